namespace Tokengate.Files;

/// <summary>A resumable upload: the file it will become (<see cref="FileId"/>, chosen at creation: its parts are encrypted under that file's data key), and its state (<c>pending</c>, <c>completed</c>, <c>cancelled</c>, <c>expired</c>).</summary>
internal sealed record StoredUpload(
    string Id, string Consumer, string Purpose, string Filename, long Bytes, string MimeType, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? FileId)
{
    public const string Pending = "pending";
    public const string Completing = "completing";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
}
