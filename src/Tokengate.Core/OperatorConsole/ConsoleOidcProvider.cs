using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Tokengate.Identity;
using Tokengate.Proxy;
using Tokengate.Secrets;

namespace Tokengate.OperatorConsole;

/// <summary>
/// The console's OpenID Connect provider: its metadata (authorization and token endpoints, issuer, signing keys),
/// read through the gateway's one outbound client and kept for an hour; the code-for-token exchange with the PKCE
/// verifier; and the id token's validation (signature by the provider's keys with asymmetric algorithms only,
/// issuer, audience = client id, lifetime by <see cref="TimeProvider"/>, nonce) and mapping to a consumer, the same
/// mapping as bearer tokens (<see cref="JwtClaimMapper"/>).
/// </summary>
internal sealed class ConsoleOidcProvider
{
    private static readonly TimeSpan MetadataLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan UnknownKeyRefreshInterval = TimeSpan.FromMinutes(1);
    private const int MaxTokenResponseBytes = 1024 * 1024;

    private readonly ConsoleOidcOptions _options;
    private readonly OutboundHttpClient _client;
    private readonly ISecretResolver _secrets;
    private readonly TimeProvider _time;
    private readonly JwtClaimMapper _mapper;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenIdConnectConfiguration? _metadata;
    private DateTimeOffset _readAt;
    private string? _clientSecret;

    public ConsoleOidcProvider(IOptions<ConsoleOptions> options, IOptions<OidcOptions> bearer, OutboundHttpClient client, ISecretResolver secrets, TimeProvider time)
    {
        _options = options.Value.Oidc;
        _client = client;
        _secrets = secrets;
        _time = time;
        _mapper = new JwtClaimMapper(new OidcOptions
        {
            ConsumerClaims = [.. _options.EffectiveConsumerClaims],
            ConsumerNames = _options.ConsumerNames,
            RoleClaim = _options.RoleClaim,
            RoleMap = _options.RoleMap.Count > 0 ? _options.RoleMap : bearer.Value.RoleMap,
        });
    }

    public ConsoleOidcOptions Options => _options;

    /// <summary>The provider's metadata, read when there is none yet, it is older than an hour, or <paramref name="refresh"/> asks.</summary>
    public async Task<OpenIdConnectConfiguration> MetadataAsync(bool refresh, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_metadata is { } current && now - _readAt < (refresh ? UnknownKeyRefreshInterval : MetadataLifetime)) return current;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_metadata is { } read && _time.GetUtcNow() - _readAt < (refresh ? UnknownKeyRefreshInterval : MetadataLifetime)) return read;
            var retriever = new OidcDocumentRetriever(_client, _options.RequireHttpsMetadata, _options.Timeout);
            var metadata = await OpenIdConnectConfigurationRetriever.GetAsync(_options.MetadataAddress!, retriever, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(metadata.AuthorizationEndpoint) || string.IsNullOrEmpty(metadata.TokenEndpoint) || string.IsNullOrEmpty(metadata.Issuer))
                throw new IOException("the discovery document names no authorization endpoint, token endpoint or issuer");
            _metadata = metadata;
            _readAt = _time.GetUtcNow();
            return metadata;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Exchanges the code for tokens: the id token, or why the provider refused (a 4xx answer, e.g. a used code or a
    /// verifier that does not match). Throws when the provider cannot be reached or answers nonsense.
    /// </summary>
    public async Task<(string? IdToken, string? Refusal)> RedeemAsync(string code, string verifier, string redirectUri, CancellationToken cancellationToken)
    {
        var metadata = await MetadataAsync(refresh: false, cancellationToken).ConfigureAwait(false);
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri),
            new("client_id", _options.ClientId!),
            new("code_verifier", verifier),
        };
        if (!string.IsNullOrWhiteSpace(_options.ClientSecret))
            form.Add(new("client_secret", _clientSecret ??= _secrets.Resolve(_options.ClientSecret)));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, metadata.TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        using var response = await _client.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > MaxTokenResponseBytes) throw new IOException("the token response is too large");
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        if (body.Length > MaxTokenResponseBytes) throw new IOException("the token response is too large");
        using var document = JsonDocument.Parse(body);
        if (!response.IsSuccessStatusCode)
        {
            var error = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                ? e.GetString() : null;
            var answer = $"the token endpoint answered {(int)response.StatusCode} {Safe(error)}";
            if ((int)response.StatusCode is >= 400 and < 500) return (null, answer);
            throw new IOException(answer);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("id_token", out var idToken) || idToken.ValueKind != JsonValueKind.String)
            throw new IOException("the token response has no id_token");
        return (idToken.GetString()!, null);
    }

    /// <summary>The user the id token stands for, or why it is not valid.</summary>
    public async Task<CredentialCheck> ValidateAsync(string idToken, string nonce, CancellationToken cancellationToken)
    {
        var metadata = await MetadataAsync(refresh: false, cancellationToken).ConfigureAwait(false);
        var result = await _handler.ValidateTokenAsync(idToken, Parameters(metadata)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            metadata = await MetadataAsync(refresh: true, cancellationToken).ConfigureAwait(false);
            result = await _handler.ValidateTokenAsync(idToken, Parameters(metadata)).ConfigureAwait(false);
        }
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
            return CredentialCheck.Refused("invalid id token: " + (result.Exception?.GetType().Name ?? "not a JWT"));
        if (!jwt.TryGetPayloadValue<string>("nonce", out var presented) || !CsrfCheck.TokensEqual(nonce, presented))
            return CredentialCheck.Refused("invalid id token: nonce mismatch");
        var consumer = _mapper.Map(jwt.Claims);
        return consumer is null ? CredentialCheck.Refused("the id token carries none of the user claims") : CredentialCheck.Valid(consumer);
    }

    // ClientId is required whenever single sign-on is on (ConsoleOptionsValidator).
    private TokenValidationParameters Parameters(OpenIdConnectConfiguration metadata) =>
        JwtValidation.Parameters(metadata.Issuer, [_options.ClientId!], metadata.SigningKeys, _options.ClockSkew, _time);

    // An error code from the provider goes to the log; keep it to a short token.
    private static string Safe(string? text) =>
        text is null ? "" : new string(text.Take(64).Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.').ToArray());
}
