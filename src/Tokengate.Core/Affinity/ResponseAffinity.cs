using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.Routing;

namespace Tokengate.Affinity;

/// <summary>
/// The pipeline's use of <see cref="IAffinityStore"/> for stored responses: record a new response's backend and owner
/// before the consumer can act on its id, and resolve an id a request names, answering for another consumer's id
/// exactly as for one that does not exist.
/// </summary>
internal sealed class ResponseAffinity(IAffinityStore store, IOptions<AffinityOptions> options, TimeProvider time)
{
    /// <summary>How many background responses this instance remembers having metered.</summary>
    private const int MeteredMemory = 100_000;

    private readonly TimeSpan _lifetime = options.Value.Lifetime;
    private readonly ConcurrentDictionary<string, byte> _metered = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _meteredOrder = new();

    /// <summary>The record of a response <paramref name="consumer"/> owns; null when it does not exist, has expired, or is someone else's.</summary>
    public async ValueTask<AffinityRecord?> FindOwnedAsync(string? id, Consumer consumer, CancellationToken cancellationToken)
    {
        if (!AffinityRecord.IsPlausibleId(id)) return null;
        var record = await store.FindAsync(id!, cancellationToken).ConfigureAwait(false);
        return record is { Kind: AffinityKinds.Response } && string.Equals(record.Consumer, consumer.Name, StringComparison.Ordinal) ? record : null;
    }

    /// <summary>Records that <paramref name="id"/>, created by this request, lives on <paramref name="backend"/> and belongs to its consumer.</summary>
    public ValueTask RecordAsync(GatewayRequestFeature feature, Backend backend, string id)
    {
        if (!AffinityRecord.IsPlausibleId(id)) return ValueTask.CompletedTask;
        var now = time.GetUtcNow();
        // The chain's size is known once the usage is (SetChainTokensAsync). Until then a response in the foreground
        // holds its admission estimate, and a background one 0: "not metered yet", which lets the first lifecycle
        // call that sees it finished meter it, once.
        var chain = feature.Parsed.Background ? 0 : Math.Max(1, feature.ContinuedChainTokens + (feature.Admission?.Prompt.Tokens ?? 0));
        return store.RecordAsync(new AffinityRecord(id, AffinityKinds.Response, (feature.Outcome.Pool ?? feature.Pool)!.Name, backend.Name, feature.Consumer!.Name, now, now + _lifetime, chain), CancellationToken.None);
    }

    /// <summary>The tokens a response's chain holds once its own usage is known: what a turn continuing it is billed as input.</summary>
    public ValueTask SetChainTokensAsync(string id, long chainTokens) => store.SetChainTokensAsync(id, chainTokens, CancellationToken.None);

    /// <summary>
    /// Claims the metering of a background response's usage, which the first call to see it finished does: true once
    /// per id on this instance, so two overlapping polls do not both meter it. (Two instances polling the same
    /// response at the same moment can still both see it unmetered; the record's chain size closes that window once
    /// either has settled.)
    /// </summary>
    public bool TryClaimMetering(string id)
    {
        if (!_metered.TryAdd(id, 0)) return false;
        _meteredOrder.Enqueue(id);
        while (_metered.Count > MeteredMemory && _meteredOrder.TryDequeue(out var oldest)) _metered.TryRemove(oldest, out _);
        return true;
    }

    /// <summary>A deleted response: its id is answered as unknown from now on.</summary>
    public ValueTask ForgetAsync(string id) => store.RemoveAsync(id, CancellationToken.None);
}
