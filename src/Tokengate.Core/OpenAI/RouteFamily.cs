namespace Tokengate.OpenAI;

/// <summary>Which URL shape a consumer used; it decides where the deployment name is and how keys are sent.</summary>
public enum RouteFamily
{
    /// <summary><c>/openai/deployments/{deployment}/...?api-version=</c></summary>
    AzureClassic,

    /// <summary><c>/openai/v1/...</c>, deployment in the body's <c>model</c></summary>
    AzureV1,

    /// <summary><c>/v1/...</c> as api.openai.com, deployment in the body's <c>model</c></summary>
    OpenAI,
}
