namespace Tokengate.Configuration;

/// <summary>The URL and authentication shape a backend speaks.</summary>
public enum BackendProtocol
{
    /// <summary><c>/openai/deployments/{deployment}/...?api-version=</c> with an <c>api-key</c> header or Entra ID token.</summary>
    AzureOpenAI,

    /// <summary><c>{endpoint}/chat/completions</c> with the model in the body and a bearer key (OpenAI and compatibles).</summary>
    OpenAI,
}
