namespace Tokengate.Affinity;

/// <summary>
/// One change to the durable copy of the affinity records (<see cref="AffinityTable"/>): a whole record to write
/// (<see cref="Record"/>), a new <see cref="ChainTokens"/> figure, or a removal. Changes to one id combine
/// (<see cref="Then"/>), so a batch writes each id once.
/// </summary>
internal sealed record AffinityChange(string Id, AffinityRecord? Record, long ChainTokens, bool Removed)
{
    public static AffinityChange Put(AffinityRecord record) => new(record.Id, record, record.ChainTokens, false);

    public static AffinityChange Chain(string id, long chainTokens) => new(id, null, chainTokens, false);

    public static AffinityChange Remove(string id) => new(id, null, 0, true);

    /// <summary>The one change with the effect of this change followed by <paramref name="next"/> (same id).</summary>
    public AffinityChange Then(AffinityChange next) =>
        next.Record is not null || next.Removed ? next
        : Record is not null ? Put(Record with { ChainTokens = next.ChainTokens })
        : Removed ? this  // tokens of a removed record stay unknown, as they would in the store
        : next;
}
