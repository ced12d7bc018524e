namespace Tokengate.Logging;

/// <summary>
/// Request logging where permitted (<c>Tokengate:RequestLogging</c>): a policy per consumer or group, redaction, and
/// encryption at rest for full logs. The policies (<see cref="DefaultPolicy"/>, <see cref="Consumers"/>,
/// <see cref="Groups"/>) follow configuration reloads; the rest is read once at start.
/// </summary>
public sealed class RequestLogOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:RequestLogging";

    /// <summary>Policy for consumers with no entry of their own or of their group. Default <see cref="RequestLogPolicy.Off"/>.</summary>
    public RequestLogPolicy DefaultPolicy { get; set; } = RequestLogPolicy.Off;

    /// <summary>Policy per consumer name; wins over the group's. Default: none.</summary>
    public Dictionary<string, RequestLogPolicy> Consumers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Policy per consumer group. Default: none.</summary>
    public Dictionary<string, RequestLogPolicy> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where log files go. Default: <c>request-logs</c> in the data folder (<c>Tokengate:Data:Directory</c>).</summary>
    public string? Directory { get; set; }

    /// <summary>
    /// A secret reference (<c>env:</c>, <c>file:</c>, <c>keyvault:</c>) to the key-encryption key: 32 random bytes in
    /// base64 (<c>openssl rand -base64 32</c>). Each file gets its own data key, wrapped by this one. Required when
    /// any policy is <see cref="RequestLogPolicy.Full"/>.
    /// </summary>
    public string? EncryptionKey { get; set; }

    /// <summary>Log files older than this many days are deleted. Default 30; 1 to 3650.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>
    /// Extra redaction patterns (.NET regular expressions) by name; a match becomes <c>[REDACTED:name]</c>. Added to
    /// the built-in ones (email, card number, API keys and bearer tokens, key=value secrets). Default: none.
    /// </summary>
    public Dictionary<string, string> RedactionPatterns { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the built-in redaction patterns apply. Default true.</summary>
    public bool BuiltInRedaction { get; set; } = true;

    /// <summary>Entries waiting to be written, at most; past it new entries are dropped and counted. Default 10000.</summary>
    public int QueueCapacity { get; set; } = 10_000;
}
