namespace Tokengate.Affinity;

/// <summary>
/// The fact that something with an id (a stored response, later a file, batch or conversation) lives in one backend
/// and belongs to one consumer. Recorded when the gateway first sees the id; every follow-up that names the id is
/// routed to <see cref="Backend"/>, and only for <see cref="Consumer"/>.
/// </summary>
/// <param name="Id">The id as the backend issued it (e.g. <c>resp_…</c>); at most <see cref="MaxIdLength"/> characters, compared ordinally.</param>
/// <param name="Kind">What the id names: <see cref="AffinityKinds.Response"/> for now.</param>
/// <param name="Pool">The logical deployment the id was created through.</param>
/// <param name="Backend">The backend that holds it.</param>
/// <param name="Consumer">The consumer that owns it; nobody else may see it.</param>
/// <param name="CreatedAt">When the gateway recorded it.</param>
/// <param name="ExpiresAt">After this the record is gone: the backend no longer keeps the artifact either.</param>
/// <param name="ChainTokens">
/// Input plus output tokens of this response including the chain it continued (0 until known): the admission estimate
/// of a turn that continues it, whose billed input includes the whole stored chain the gateway never sees.
/// </param>
internal sealed record AffinityRecord(
    string Id, string Kind, string Pool, string Backend, string Consumer, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, long ChainTokens = 0)
{
    /// <summary>
    /// Longest id the stores keep. Azure's ids are about 50 characters; a longer one cannot be real, so a lookup of it
    /// is a miss that costs no Redis or database call, and recording one is a caller's bug.
    /// </summary>
    public const int MaxIdLength = 256;

    /// <summary>True at and after <see cref="ExpiresAt"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>Throws when the record cannot be stored: an empty or over-long id, an empty name, negative tokens.</summary>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(Id) || Id.Length > MaxIdLength)
            throw new ArgumentException($"An affinity id must have 1 to {MaxIdLength} characters (was {Id?.Length ?? 0}).", nameof(Id));
        ArgumentException.ThrowIfNullOrEmpty(Kind);
        ArgumentException.ThrowIfNullOrEmpty(Pool);
        ArgumentException.ThrowIfNullOrEmpty(Backend);
        ArgumentException.ThrowIfNullOrEmpty(Consumer);
        ArgumentOutOfRangeException.ThrowIfNegative(ChainTokens);
    }

    /// <summary>Whether <paramref name="id"/> could be a stored id at all (see <see cref="MaxIdLength"/>).</summary>
    internal static bool IsPlausibleId(string? id) => id is { Length: > 0 and <= MaxIdLength };
}
