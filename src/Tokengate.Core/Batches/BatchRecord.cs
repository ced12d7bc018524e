namespace Tokengate.Batches;

/// <summary>A batch as stored: who owns it, how it runs, where it stands.</summary>
internal sealed record BatchRecord
{
    public required string Id { get; init; }
    public required string Consumer { get; init; }
    public string? Group { get; init; }

    /// <summary>The owner's roles when the batch was created (its lines run as that consumer).</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    public required BatchMode Mode { get; init; }

    /// <summary>The pool the lines' <c>model</c> names.</summary>
    public required string Pool { get; init; }

    public required string Endpoint { get; init; }
    public required string InputFileId { get; init; }
    public required string CompletionWindow { get; init; }
    public required string Status { get; init; }

    /// <summary>The <c>metadata</c> object as JSON, or null.</summary>
    public string? Metadata { get; init; }

    /// <summary>The <c>errors</c> list object as JSON (why it failed), or null.</summary>
    public string? Errors { get; init; }

    public int Total { get; init; }
    public int Completed { get; init; }
    public int Failed { get; init; }
    public long InputTokens { get; init; }
    public long CachedTokens { get; init; }
    public long OutputTokens { get; init; }
    public long ReasoningTokens { get; init; }
    public string? OutputFileId { get; init; }
    public string? ErrorFileId { get; init; }

    /// <summary>Azure batches: the batch deployment's backend, the batch's id there and the input file's id there.</summary>
    public string? Backend { get; init; }
    public string? UpstreamId { get; init; }
    public string? UpstreamFileId { get; init; }

    /// <summary>Azure batches: when the backend was last asked for the batch's status.</summary>
    public DateTimeOffset? PolledAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The end of the completion window.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? InProgressAt { get; init; }
    public DateTimeOffset? FinalizingAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? FailedAt { get; init; }
    public DateTimeOffset? ExpiredAt { get; init; }
    public DateTimeOffset? CancellingAt { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
}
