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
        if (limitTokens >= 0) Interlocked.Exchange(ref s.LimitTokens, limitTokens);
        if (remainingTokens >= 0) Interlocked.Exchange(ref s.RemainingTokens, remainingTokens);
        if (limitRequests >= 0) Interlocked.Exchange(ref s.LimitRequests, limitRequests);
        if (remainingRequests >= 0) Interlocked.Exchange(ref s.RemainingRequests, remainingRequests);
        Interlocked.Exchange(ref s.ReportedAtTicks, time.GetUtcNow().UtcTicks);
    }

    private static long Read(HttpResponseHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count == 1
            && long.TryParse(values.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : -1;
}
