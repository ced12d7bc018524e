using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using Tokengate.Routing;

namespace Tokengate.Telemetry;

/// <summary>Every backend's last reported rate-limit position, by backend name.</summary>
internal sealed class BackendQuotaBook(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, BackendQuotaState> _states = new(StringComparer.OrdinalIgnoreCase);

    public BackendQuotaState? Find(string backend) => _states.GetValueOrDefault(backend);

    /// <summary>Reads the four <c>x-ratelimit-*</c> headers when present; cheap when they are not.</summary>
    public void Observe(Backend backend, HttpResponseHeaders headers)
    {
        var limitTokens = Read(headers, "x-ratelimit-limit-tokens");
        var remainingTokens = Read(headers, "x-ratelimit-remaining-tokens");
        var limitRequests = Read(headers, "x-ratelimit-limit-requests");
        var remainingRequests = Read(headers, "x-ratelimit-remaining-requests");
        if (limitTokens < 0 && remainingTokens < 0 && limitRequests < 0 && remainingRequests < 0) return;
        var s = _states.GetOrAdd(backend.Name, static _ => new BackendQuotaState());
        // Every response of a backend lands here, from every core: a value that did not change is not written again,
        // so the line it lives on is not taken from the other cores for nothing.
        Set(ref s.LimitTokens, limitTokens);
        Set(ref s.RemainingTokens, remainingTokens);
        Set(ref s.LimitRequests, limitRequests);
        Set(ref s.RemainingRequests, remainingRequests);
        Volatile.Write(ref s.ReportedAtTicks, time.GetUtcNow().UtcTicks);
    }

    private static void Set(ref long field, long value)
    {
        if (value >= 0 && Volatile.Read(ref field) != value) Volatile.Write(ref field, value);
    }

    private static long Read(HttpResponseHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count == 1
            && long.TryParse(values.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : -1;
}
