namespace Tokengate.Configuration;

/// <summary>How the gateway proves itself to a backend.</summary>
public enum BackendAuthMode
{
    /// <summary>A key read from the secret reference in <see cref="BackendOptions.ApiKey"/>.</summary>
    ApiKey,

    /// <summary>A Microsoft Entra ID token for <c>https://cognitiveservices.azure.com</c> (managed identity or the default chain).</summary>
    EntraId,

    /// <summary>No credential (local simulators and open test endpoints only).</summary>
    None,
}
