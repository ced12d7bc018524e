namespace Tokengate.Affinity;

/// <summary>
/// How long the gateway remembers which backend holds an id and who owns it (<c>Tokengate:Affinity</c>). Where the
/// records live follows <c>Tokengate:State:Provider</c>: this process's memory, or Redis with the database as the
/// durable copy. Read once at start.
/// </summary>
public sealed class AffinityOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:Affinity";

    /// <summary>
    /// How long a record lives after it is made: whoever makes a record sets its <see cref="AffinityRecord.ExpiresAt"/>
    /// to its creation time plus this (the stores keep what they are given). Azure keeps a stored response for 30 days,
    /// and a record outliving it would only route follow-ups to a backend that answers 404. Default 30 days; 1 hour to
    /// 400 days.
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Most records one instance keeps in memory (with <c>Tokengate:State:Provider = InMemory</c>, all of them; with
    /// Redis, only those made while both Redis and the database were unreachable). Past it the expired are dropped
    /// first, then the oldest, whose follow-ups are then answered as unknown ids. A record with an Azure id takes about 280 bytes,
    /// so the default bounds the memory near 280 MB. Default 1,000,000; 1,000 to 100,000,000.
    /// </summary>
    public int MaxRecords { get; set; } = 1_000_000;
}
