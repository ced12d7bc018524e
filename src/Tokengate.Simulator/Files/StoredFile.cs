namespace Tokengate.Simulator.Files;

/// <summary>
/// One file of the simulated resource. Its bytes never change; its status follows from the clock: a
/// <c>fine-tune</c> file is <c>pending</c> until <see cref="ProcessedAt"/>, then <c>processed</c>, or <c>error</c>
/// with <see cref="StatusDetails"/> when its content is not valid JSONL.
/// </summary>
internal sealed class StoredFile(string id, string filename, string purpose, byte[] content, long createdTicks, long? expiresTicks, long processedTicks, string? processingError)
{
    public string Id { get; } = id;

    public string Filename { get; } = filename;

    public string Purpose { get; } = purpose;

    public byte[] Content { get; } = content;

    public long CreatedTicks { get; } = createdTicks;

    /// <summary>When the file is forgotten, or null for never.</summary>
    public long? ExpiresTicks { get; } = expiresTicks;

    public long ProcessedAt { get; } = processedTicks;

    public string? StatusDetails { get; } = processingError;

    public bool IsExpired(long nowTicks) => ExpiresTicks is long expires && nowTicks >= expires;

    public string Status(long nowTicks) =>
        nowTicks < ProcessedAt ? "pending" : StatusDetails is null ? "processed" : "error";
}
