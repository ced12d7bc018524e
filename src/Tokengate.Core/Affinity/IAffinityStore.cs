namespace Tokengate.Affinity;

/// <summary>
/// Where the gateway keeps <see cref="AffinityRecord"/>s: which backend holds an id, and which consumer owns it.
/// <para>
/// <b>The owner check is the caller's job.</b> The store answers for any id regardless of who asks; the caller
/// compares <see cref="AffinityRecord.Consumer"/> with the calling consumer and, when they differ, answers exactly as
/// it would for an id the store does not know (never 403), so one consumer cannot learn that another's id exists.
/// </para>
/// <para>
/// Every implementation guarantees: <see cref="FindAsync"/> never returns a record at or after its
/// <see cref="AffinityRecord.ExpiresAt"/> (judged by the gateway's <see cref="TimeProvider"/>, not by a server's
/// clock); a record is returned with every field as it was recorded (later <see cref="SetChainTokensAsync"/> aside);
/// the methods do not throw for an unreachable Redis or database (they fall back, see below, and count the failure in
/// <c>tokengate.affinity.errors</c>). What each keeps and for how long:
/// </para>
/// <list type="bullet">
/// <item><see cref="InMemoryAffinityStore"/> (one instance, the default): this process's memory; a restart forgets
/// everything. At most <see cref="AffinityOptions.MaxRecords"/> records: past it the expired are dropped first, then
/// the oldest. Every call completes synchronously.</item>
/// <item><see cref="RedisAffinityStore"/> (<c>Tokengate:State:Provider = Redis</c>): Redis, written before
/// <see cref="RecordAsync"/> returns, so a follow-up through any instance finds the record; plus a durable copy in the
/// database (SQLite or PostgreSQL) written in batches off the request path, read when Redis does not have the record
/// (it restarted without persistence) or cannot be reached. While Redis is unreachable, writes go to the database
/// directly. Only when both fail does a record live in this instance's memory alone.</item>
/// </list>
/// </summary>
internal interface IAffinityStore
{
    /// <summary>
    /// Records <paramref name="record"/>, replacing whatever the store held for its id (a removed id may be recorded
    /// again). Throws <see cref="ArgumentException"/> for an empty or over-long id (<see cref="AffinityRecord.MaxIdLength"/>)
    /// or an empty name: those are the caller's bug.
    /// </summary>
    ValueTask RecordAsync(AffinityRecord record, CancellationToken cancellationToken);

    /// <summary>The record of <paramref name="id"/>, or null when the store does not know it, it was removed, or it has expired.</summary>
    ValueTask<AffinityRecord?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Sets <see cref="AffinityRecord.ChainTokens"/> of <paramref name="id"/> (the last value wins). Does nothing for an
    /// unknown, removed or expired id: usage can arrive after a delete.
    /// </summary>
    ValueTask SetChainTokensAsync(string id, long chainTokens, CancellationToken cancellationToken);

    /// <summary>Forgets <paramref name="id"/>; an unknown id is not an error.</summary>
    ValueTask RemoveAsync(string id, CancellationToken cancellationToken);
}
