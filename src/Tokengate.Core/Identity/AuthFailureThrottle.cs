using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Tokengate.OpenAI;

namespace Tokengate.Identity;

/// <summary>
/// Counts failed authentications per client address in a fixed window that starts at the first failure; an address
/// at the limit is refused (429) until its window ends, whatever key it sends, so guessing cannot go faster by
/// mixing in a valid key. Other addresses are not affected. Memory is bounded by
/// <see cref="AuthFailureOptions.MaxTrackedAddresses"/>.
/// </summary>
internal sealed class AuthFailureThrottle(IOptions<AuthFailureOptions> options, TimeProvider time)
{
    private readonly AuthFailureOptions _options = options.Value;
    private readonly ConcurrentDictionary<IPAddress, AuthFailureState> _byAddress = new();

    /// <summary>Addresses currently tracked.</summary>
    public int TrackedAddresses => _byAddress.Count;

    /// <summary>True when <paramref name="address"/> has used up its failures; <paramref name="retryAfter"/> is the rest of its window.</summary>
    public bool IsBlocked(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_byAddress.TryGetValue(Normalize(address), out var state)) return false;
        var now = time.GetUtcNow();
        lock (state.Gate)
        {
            var end = state.WindowStart + _options.Window;
            if (state.Count < _options.Limit || now >= end) return false;
            retryAfter = end - now;
            return true;
        }
    }

    public void RecordFailure(IPAddress? address)
    {
        var now = time.GetUtcNow();
        var key = Normalize(address);
        if (!_byAddress.TryGetValue(key, out var state))
        {
            if (_byAddress.Count >= _options.MaxTrackedAddresses && Sweep(now) == 0) return;
            state = _byAddress.GetOrAdd(key, static (_, start) => new AuthFailureState { WindowStart = start }, now);
        }
        lock (state.Gate)
        {
            if (now >= state.WindowStart + _options.Window)
            {
                state.WindowStart = now;
                state.Count = 0;
            }
            state.Count++;
        }
    }

    /// <summary>The answer for a blocked address, in the Azure shape with <c>retry-after</c>.</summary>
    public static GatewayError TooManyFailures(TimeSpan retryAfter) => new(429, "429",
        string.Create(CultureInfo.InvariantCulture,
            $"Too many failed authentication attempts from this address. Please retry after {GatewayError.RetrySeconds(retryAfter)} seconds."),
        RetryAfter: retryAfter);

    private int Sweep(DateTimeOffset now)
    {
        var removed = 0;
        foreach (var (address, state) in _byAddress)
        {
            bool ended;
            lock (state.Gate) ended = now >= state.WindowStart + _options.Window;
            if (ended && _byAddress.TryRemove(address, out _)) removed++;
        }
        return removed;
    }

    // One client is one bucket whether it arrived over IPv4 or as an IPv4-mapped IPv6 address; no address is one bucket too.
    private static IPAddress Normalize(IPAddress? address) =>
        address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
