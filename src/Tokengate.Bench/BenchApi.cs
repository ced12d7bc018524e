namespace Tokengate.Bench;

/// <summary>Which route family the load generator speaks (protocol reference §1).</summary>
internal enum BenchApi
{
    /// <summary><c>/openai/deployments/{deployment}/…?api-version=</c> with an <c>api-key</c> header.</summary>
    AzureClassic,

    /// <summary><c>/openai/v1/…</c> with the deployment in the body <c>model</c> and <c>Authorization: Bearer</c>.</summary>
    OpenAIV1,
}
