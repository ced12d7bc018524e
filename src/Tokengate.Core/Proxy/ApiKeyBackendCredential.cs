using System.Net.Http.Headers;
using System.Net.WebSockets;
using Tokengate.Secrets;

namespace Tokengate.Proxy;

/// <summary>
/// A backend key: <c>api-key</c> for Azure OpenAI, <c>Authorization: Bearer</c> for OpenAI-protocol backends. A backend
/// may have two keys; one is active, and the gateway switches to the other on rotation or when the backend refuses
/// the active one. The secrets are read off the request path (load, reload, rotation) and kept here; the request
/// path reads one volatile field.
/// </summary>
internal sealed class ApiKeyBackendCredential : BackendCredential
{
    /// <summary>Which key an outgoing request carries, so a 401 can be retried with the other one.</summary>
    public static readonly HttpRequestOptionsKey<Applied> AppliedKey = new("Tokengate.Applied");

    private readonly bool _asBearer;
    private readonly TimeProvider _time;
    private readonly Lock _writeLock = new();
    private volatile KeySet _keys;

    public ApiKeyBackendCredential(string backendName, bool asBearer, TimeProvider time, SecretValue primary, SecretValue? secondary, TimeSpan? rotationInterval = null)
    {
        BackendName = backendName;
        RotationInterval = rotationInterval;
        _asBearer = asBearer;
        _time = time;
        _keys = new KeySet(Keys(primary, secondary), ApiKeyCredentialSlot.Primary, time.GetUtcNow());
    }

    public string BackendName { get; }

    public bool AsBearer => _asBearer;

    /// <summary>How often the keys are switched on schedule; null for never.</summary>
    public TimeSpan? RotationInterval { get; private set; }

    public bool HasSecondary => _keys.Keys.Length == 2;

    public ApiKeyCredentialSlot ActiveSlot => _keys.Active;

    /// <summary>When the active key last changed (or the credential was created).</summary>
    public DateTimeOffset ActiveSince => _keys.ActiveSince;

    public string PrimaryReference => _keys.Keys[0].Reference;

    public string? SecondaryReference => HasSecondary ? _keys.Keys[1].Reference : null;

    public override ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var keys = _keys;
        var key = keys.Keys[(int)keys.Active];
        Apply(request, key);
        // Only a backend with another key can retry a 401: without the mark the retry handler does not wait on the answer.
        if (keys.Keys.Length > 1) request.Options.Set(AppliedKey, new Applied(this, key, keys.Active));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The active key on a WebSocket handshake. A handshake refused with 401 is not retried with the other key (the
    /// socket builds its own request, which the retry handler cannot re-send); the session fails over instead.
    /// </summary>
    public override ValueTask ApplyAsync(ClientWebSocketOptions options, CancellationToken cancellationToken)
    {
        var keys = _keys;
        var key = keys.Keys[(int)keys.Active];
        if (key.Bearer is { } bearer) options.SetRequestHeader("Authorization", bearer.ToString());
        else options.SetRequestHeader("api-key", key.Value);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// After the backend answered 401 to <paramref name="refused"/>: makes the other key active (unless a concurrent
    /// request already did) and puts the active key on <paramref name="request"/>. False when there is no other key
    /// to try.
    /// </summary>
    public bool TryReplaceRefusedKey(Applied refused, HttpRequestMessage request, out bool switched)
    {
        switched = false;
        KeySet keys;
        lock (_writeLock)
        {
            keys = _keys;
            if (keys.Keys.Length < 2) return false;
            if (ReferenceEquals(keys.Keys[(int)keys.Active], refused.Key))
            {
                keys = keys with { Active = Other(keys.Active), ActiveSince = _time.GetUtcNow() };
                _keys = keys;
                switched = true;
            }
        }
        var replacement = keys.Keys[(int)keys.Active];
        if (ReferenceEquals(replacement, refused.Key)) return false;
        Apply(request, replacement);
        request.Options.Set(AppliedKey, new Applied(this, replacement, keys.Active));
        return true;
    }

    /// <summary>New configuration (reload): fresh values, and the active slot stays as it was.</summary>
    public void Update(SecretValue primary, SecretValue? secondary, TimeSpan? rotationInterval)
    {
        lock (_writeLock)
        {
            RotationInterval = rotationInterval;
            var keys = _keys;
            var active = secondary is null ? ApiKeyCredentialSlot.Primary : keys.Active;
            _keys = new KeySet(Keys(primary, secondary), active, active == keys.Active ? keys.ActiveSince : _time.GetUtcNow());
        }
    }

    /// <summary>Fresh values of both keys, and the other one becomes active.</summary>
    /// <exception cref="InvalidOperationException">A reload changed the references since they were read.</exception>
    public ApiKeyCredentialSlot Rotate(SecretValue primary, SecretValue secondary)
    {
        lock (_writeLock)
        {
            if (primary.Reference != PrimaryReference || secondary.Reference != SecondaryReference)
                throw new InvalidOperationException($"The key references of backend '{BackendName}' changed during the rotation; rotate again.");
            var active = Other(_keys.Active);
            _keys = new KeySet(Keys(primary, secondary), active, _time.GetUtcNow());
            return active;
        }
    }

    public override string ToString() => HasSecondary
        ? $"api key from {PrimaryReference} or {SecondaryReference} ({ActiveSlot} in use)"
        : $"api key from {PrimaryReference}";

    private static ApiKeyCredentialSlot Other(ApiKeyCredentialSlot slot) =>
        slot == ApiKeyCredentialSlot.Primary ? ApiKeyCredentialSlot.Secondary : ApiKeyCredentialSlot.Primary;

    private Key[] Keys(SecretValue primary, SecretValue? secondary) => secondary is { } s
        ? [new Key(primary, _asBearer), new Key(s, _asBearer)]
        : [new Key(primary, _asBearer)];

    private static void Apply(HttpRequestMessage request, Key key)
    {
        if (key.Bearer is not null)
        {
            request.Headers.Authorization = key.Bearer;
            return;
        }
        request.Headers.Remove("api-key");
        request.Headers.TryAddWithoutValidation("api-key", key.Value);
    }

    /// <summary>One key, with its header form made once.</summary>
    internal sealed class Key(SecretValue secret, bool asBearer)
    {
        public string Reference { get; } = secret.Reference;

        public string Value { get; } = secret.Value;

        public AuthenticationHeaderValue? Bearer { get; } = asBearer ? new AuthenticationHeaderValue("Bearer", secret.Value) : null;

        public override string ToString() => $"key from {Reference}";
    }

    /// <summary>The key put on one request.</summary>
    internal sealed record Applied(ApiKeyBackendCredential Credential, Key Key, ApiKeyCredentialSlot Slot)
    {
        public override string ToString() => $"{Slot} key of {Credential.BackendName}";
    }

    private sealed record KeySet(Key[] Keys, ApiKeyCredentialSlot Active, DateTimeOffset ActiveSince);
}
