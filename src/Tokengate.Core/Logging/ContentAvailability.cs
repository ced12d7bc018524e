namespace Tokengate.Logging;

/// <summary>The values of <c>contentAvailable</c> in <c>GET /admin/requests/{id}</c>: whether the prompt and completion are included, or why not.</summary>
internal static class ContentAvailability
{
    /// <summary>Included: the consumer's policy recorded it and the caller is an admin.</summary>
    public const string Available = "available";

    /// <summary>The caller's role may read metadata only (content needs <c>admin</c>).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The consumer's logging policy does not record content (off or metadata).</summary>
    public const string NotRecorded = "not_recorded";

    /// <summary>The policy records content, but this request's entry is not there (past the retention, still queued, or lost).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The log could not be decrypted (the encryption key is missing or is not the one the file was written with).</summary>
    public const string Unreadable = "unreadable";
}
