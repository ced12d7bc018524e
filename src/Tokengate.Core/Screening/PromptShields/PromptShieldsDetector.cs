using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Tokengate.Network;
using Tokengate.Proxy;
using Tokengate.Secrets;

namespace Tokengate.Screening.PromptShields;

/// <summary>
/// Azure AI Content Safety Prompt Shields as a detector: the user prompt screened for jailbreaks, documents for
/// indirect attacks. Texts are cut to Azure's limits and sent as concurrent calls; each piece's verdict is cached by
/// its hash, so a conversation's repeated prefix costs nothing; calls stay within the configured rate and pause
/// after a 429. Any failure (timeout, 429, 5xx, connection, credential) yields a verdict that did not answer; the
/// screening policy decides whether that lets the request through.
/// </summary>
internal sealed class PromptShieldsDetector : IPromptDetector
{
    public const string DetectorName = "promptshields";
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private readonly PromptShieldsOptions _options;
    private readonly OutboundHttpClient _outbound;
    private readonly ISecretResolver _secrets;
    private readonly TimeProvider _time;
    private readonly ILogger<PromptShieldsDetector> _logger;
    private readonly EntraIdBackendCredential? _entra;
    private readonly Uri _uri;
    private readonly PromptShieldsCache _cache;
    private readonly PromptShieldsRateLimiter _limiter;
    private volatile string? _key;
    private int _rereading;

    /// <param name="options">The settings, validated (<see cref="PromptShieldsOptionsValidation"/>).</param>
    /// <param name="outbound">The gateway's one outbound client; the endpoint's host must be on its allowlist.</param>
    /// <param name="secrets">Resolves <see cref="PromptShieldsOptions.ApiKey"/>.</param>
    /// <param name="time">Clock of deadlines, cache lifetimes, the rate window and Retry-After pauses.</param>
    /// <param name="logger">Failures, never text.</param>
    /// <param name="credential">
    /// The Entra ID credential when no key is configured; default a managed identity
    /// (<see cref="PromptShieldsOptions.ManagedIdentityClientId"/>) or the default chain, signing in through <paramref name="outbound"/>.
    /// </param>
    public PromptShieldsDetector(PromptShieldsOptions options, OutboundHttpClient outbound, ISecretResolver secrets, TimeProvider time,
        ILogger<PromptShieldsDetector> logger, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured) throw new ArgumentException("Prompt Shields has no Endpoint.", nameof(options));
        _options = options;
        _outbound = outbound;
        _secrets = secrets;
        _time = time;
        _logger = logger;
        _uri = new Uri(options.Endpoint!.TrimEnd('/') + "/contentsafety/text:shieldPrompt?api-version=" + Uri.EscapeDataString(options.ApiVersion));
        _cache = new PromptShieldsCache(options.CacheEntries, options.CacheLifetime, time);
        _limiter = new PromptShieldsRateLimiter(options.RequestsPer10Seconds, time);
        if (options.ApiKey is null)
            _entra = new EntraIdBackendCredential(credential ?? AzureSignIn.Create(options.ManagedIdentityClientId, outbound), time);
        else
            ReadKey();
    }

    public string Name => DetectorName;

    /// <summary>Verdicts cached now (for tests and diagnostics).</summary>
    internal int CachedVerdicts => _cache.Count;

    public async ValueTask<DetectorVerdict> ScreenAsync(ScreeningInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var started = _time.GetTimestamp();
        var attack = AttackKind.None;
        var user = new List<ShieldPiece>();
        var documents = new List<ShieldPiece>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var piece in PromptShieldsChunker.Pieces(input.UserPrompt, documents: false).Concat(PromptShieldsChunker.Pieces(input.Documents, documents: true)))
        {
            if (!seen.Add(piece.CacheKey)) continue;
            if (!_cache.TryGet(piece.CacheKey, out var cachedAttack)) (piece.IsDocument ? documents : user).Add(piece);
            else if (cachedAttack) attack = Worse(attack, KindOf(piece));
        }

        // What is still unknown cannot change the verdict: a jailbreak wins, and an indirect attack already found
        // makes the remaining documents moot.
        if (attack == AttackKind.Jailbreak) user.Clear();
        if (attack != AttackKind.None) documents.Clear();
        if (user.Count == 0 && documents.Count == 0) return Answer(attack, started);

        var calls = PromptShieldsChunker.Plan(user, documents);
        if (calls.Count > _options.MaxCallsPerScreen)
            return NotAnswered(string.Create(CultureInfo.InvariantCulture, $"input too large ({calls.Count} calls, MaxCallsPerScreen {_options.MaxCallsPerScreen})"), started);
        if (_limiter.TryAcquire(calls.Count) is { } limited) return NotAnswered(limited, started);

        var outcomes = await Task.WhenAll(calls.Select(call => CallAsync(call, cancellationToken))).ConfigureAwait(false);
        string? failure = null;
        foreach (var outcome in outcomes)
        {
            if (outcome.Error is { } error) failure ??= error;
            else attack = Worse(attack, outcome.Attack);
        }

        // An attack found is an answer even when another call failed: the missing part could only make it worse.
        return attack != AttackKind.None || failure is null ? Answer(attack, started) : NotAnswered(failure, started);
    }

    private async Task<CallOutcome> CallAsync(ShieldCall call, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.CallTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = Body(call) };
            request.Content.Headers.ContentType = Json;
            if (_entra is not null)
            {
                await _entra.ApplyAsync(request, linked.Token).ConfigureAwait(false);
            }
            else if (_key is { } key)
            {
                request.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Key", key);
            }
            else
            {
                RereadKey();
                return Fail("key unavailable");
            }

            using var response = await _outbound.SendAsync(request, linked.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var retryAfter = RetryAfter(response);
                _limiter.PauseUntil(_time.GetUtcNow() + retryAfter);
                PromptShieldsLog.Throttled(_logger, (long)retryAfter.TotalMilliseconds);
                return new CallOutcome(AttackKind.None, "rate limited by Content Safety (429)");
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                PromptShieldsLog.CredentialRefused(_logger, (int)response.StatusCode);
                if (_entra is null) RereadKey();
            }

            if (!response.IsSuccessStatusCode) return Fail(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}"));
            var bytes = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            return Read(call, bytes);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail("timeout");
        }
        catch (OutboundHostNotAllowedException)
        {
            return Fail("host not in the outbound allowlist");
        }
        catch (HttpRequestException)
        {
            return Fail("connection failed");
        }
        catch (JsonException)
        {
            return Fail("malformed response");
        }
        catch (AuthenticationFailedException)
        {
            return Fail("Entra ID sign-in failed");
        }
    }

    /// <summary>The verdicts of one call, cached piece by piece; a body that does not match the call is a failure.</summary>
    private CallOutcome Read(ShieldCall call, byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var attack = AttackKind.None;
        if (call.UserPrompt is { } prompt)
        {
            if (!root.TryGetProperty("userPromptAnalysis", out var analysis) || !analysis.TryGetProperty("attackDetected", out var detected)
                || detected.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return Fail("malformed response");
            _cache.Set(prompt.CacheKey, detected.GetBoolean());
            if (detected.GetBoolean()) attack = AttackKind.Jailbreak;
        }

        if (call.Documents.Count > 0)
        {
            if (!root.TryGetProperty("documentsAnalysis", out var analyses) || analyses.ValueKind != JsonValueKind.Array
                || analyses.GetArrayLength() != call.Documents.Count)
                return Fail("malformed response");
            var i = 0;
            foreach (var analysis in analyses.EnumerateArray())
            {
                if (!analysis.TryGetProperty("attackDetected", out var detected) || detected.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return Fail("malformed response");
                _cache.Set(call.Documents[i++].CacheKey, detected.GetBoolean());
                if (detected.GetBoolean()) attack = Worse(attack, AttackKind.IndirectAttack);
            }
        }

        return new CallOutcome(attack, null);
    }

    /// <summary>Both fields always, as Azure's samples send them: an empty prompt when the call carries only documents.</summary>
    private static ByteArrayContent Body(ShieldCall call)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("userPrompt"u8, call.UserPrompt?.Text ?? string.Empty);
            writer.WriteStartArray("documents"u8);
            foreach (var document in call.Documents) writer.WriteStringValue(document.Text);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return new ByteArrayContent(buffer.WrittenSpan.ToArray());
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms > 0)
            return TimeSpan.FromMilliseconds(ms);
        if (response.Headers.RetryAfter is { Delta: { } delta } && delta > TimeSpan.Zero) return delta;
        if (response.Headers.RetryAfter is { Date: { } date } && date > DateTimeOffset.UtcNow) return date - DateTimeOffset.UtcNow;
        return DefaultRetryAfter;
    }

    private void ReadKey()
    {
        try
        {
            _key = _secrets.Resolve(_options.ApiKey!);
        }
        catch (InvalidOperationException exception)
        {
            PromptShieldsLog.KeyUnreadable(_logger, _options.ApiKey!, exception.Message);
        }
    }

    /// <summary>Reads the key again off the request path (after a 401, or when it could not be read), once at a time.</summary>
    private void RereadKey()
    {
        if (Interlocked.Exchange(ref _rereading, 1) != 0) return;
        _ = Task.Run(() =>
        {
            try
            {
                ReadKey();
            }
            finally
            {
                Volatile.Write(ref _rereading, 0);
            }
        });
    }

    private CallOutcome Fail(string reason)
    {
        PromptShieldsLog.CallFailed(_logger, reason);
        return new CallOutcome(AttackKind.None, reason);
    }

    private DetectorVerdict Answer(AttackKind attack, long started) =>
        new(DetectorName, true, attack, attack == AttackKind.None ? 0 : 1, _time.GetElapsedTime(started));

    private DetectorVerdict NotAnswered(string reason, long started)
    {
        PromptShieldsLog.NotAnswered(_logger, reason);
        return DetectorVerdict.Failed(DetectorName, _time.GetElapsedTime(started), reason);
    }

    private static AttackKind KindOf(ShieldPiece piece) => piece.IsDocument ? AttackKind.IndirectAttack : AttackKind.Jailbreak;

    private static AttackKind Worse(AttackKind a, AttackKind b) =>
        a == AttackKind.Jailbreak || b == AttackKind.Jailbreak ? AttackKind.Jailbreak
        : a == AttackKind.IndirectAttack || b == AttackKind.IndirectAttack ? AttackKind.IndirectAttack
        : AttackKind.None;

    private readonly record struct CallOutcome(AttackKind Attack, string? Error);
}
