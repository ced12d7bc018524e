namespace Tokengate.Proxy;

/// <summary>Which of a backend's two keys is in use (Azure's key 1 and key 2).</summary>
public enum ApiKeyCredentialSlot
{
    /// <summary><c>ApiKey</c>.</summary>
    Primary,

    /// <summary><c>SecondaryApiKey</c>.</summary>
    Secondary,
}
