using System.Buffers.Text;
using System.Net.Http.Json;
using Azure.Core;
using Azure.Identity;
using Tokengate.Network;
using Tokengate.Proxy;

namespace Tokengate.Encryption;

/// <summary>
/// Wraps and unwraps data keys with an Azure Key Vault (or Managed HSM) key through the keys REST API
/// (<c>POST {key}/wrapkey</c>, <c>/unwrapkey</c>, <c>api-version=7.4</c>). Requests go through the
/// <see cref="OutboundHttpClient"/>, so the vault must be on the outbound allowlist; the bearer token comes from the
/// gateway's Azure identity (<see cref="Secrets.AzureSignIn"/>) and is kept until shortly before it expires.
/// </summary>
internal sealed class KeyVaultKeyClient(Uri key, string algorithm, TokenCredential credential, OutboundHttpClient outbound, TimeProvider time)
{
    private const string ApiVersion = "7.4";
    private static readonly string[] Scopes = ["https://vault.azure.net/.default"];
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private AccessToken _token;

    /// <summary>The configured key, with its version: the id recorded with the data keys it wraps.</summary>
    public Uri Key { get; } = key;

    /// <summary>Null when <paramref name="url"/> is a versioned key URL (<c>https://VAULT/keys/NAME/VERSION</c>), else why not.</summary>
    public static string? CheckKeyUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(uri.Query))
            return $"must be an https URL of a Key Vault key with its version, e.g. 'https://contoso-kv.vault.azure.net/keys/tokengate-kek/0123456789abcdef0123456789abcdef' (was '{url}').";
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        return segments.Length == 3 && segments[0] == "keys" && segments[1].Length > 0 && segments[2].Length > 0
            ? null
            : $"must name a key and its version: https://VAULT/keys/NAME/VERSION (was '{url}'); a key without a version would change under the data keys it wrapped.";
    }

    /// <summary>Whether <paramref name="keyId"/> is a version of the configured key (same vault, same name).</summary>
    public bool IsVersionOfKey(string keyId) =>
        Uri.TryCreate(keyId, UriKind.Absolute, out var other)
        && string.Equals(other.GetLeftPart(UriPartial.Authority), Key.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
        && string.Equals(KeyName(other), KeyName(Key), StringComparison.OrdinalIgnoreCase);

    public Task<byte[]> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken) =>
        SendAsync(Key, "wrapkey", dataKey, cancellationToken);

    public Task<byte[]> UnwrapAsync(string keyId, ReadOnlyMemory<byte> wrapped, CancellationToken cancellationToken)
    {
        if (!IsVersionOfKey(keyId))
            throw new KeyEncryptionKeyException($"the data key was wrapped by the Key Vault key '{keyId}', which is not a version of Tokengate:Encryption:KeyVaultKey ({Key}).");
        return SendAsync(new Uri(keyId), "unwrapkey", wrapped, cancellationToken);
    }

    private async Task<byte[]> SendAsync(Uri keyVersion, string operation, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var what = $"{operation} with the Key Vault key '{keyVersion}'";
        try
        {
            var token = await TokenAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(keyVersion.AbsoluteUri.TrimEnd('/') + "/" + operation + "?api-version=" + ApiVersion))
            {
                Content = JsonContent.Create(new KeyOperationRequest(algorithm, Base64Url.EncodeToString(value.Span)), KeyVaultKeyJsonContext.Default.KeyOperationRequest),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await outbound.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var code = await ErrorCodeAsync(response, cancellationToken).ConfigureAwait(false);
                throw new KeyEncryptionKeyException($"Key Vault answered {(int)response.StatusCode} ({code ?? response.ReasonPhrase ?? "no error code"}) to {what}.");
            }
            var result = await response.Content.ReadFromJsonAsync(KeyVaultKeyJsonContext.Default.KeyOperationResult, cancellationToken).ConfigureAwait(false);
            if (result?.Value is not { Length: > 0 } text) throw new KeyEncryptionKeyException($"Key Vault's answer to {what} holds no value.");
            return Base64Url.DecodeFromChars(text);
        }
        catch (OutboundHostNotAllowedException ex)
        {
            throw new KeyEncryptionKeyException($"cannot {what}: the host '{ex.Host}' is not in Tokengate:Outbound:AllowedHosts.", ex);
        }
        catch (HttpRequestException ex) when (ex.InnerException is OutboundHostNotAllowedException refused)
        {
            throw new KeyEncryptionKeyException($"cannot {what}: the host '{refused.Host}' is not in Tokengate:Outbound:AllowedHosts.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new KeyEncryptionKeyException($"cannot {what}: {ex.HttpRequestError} ({ex.Message}).", ex);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new KeyEncryptionKeyException($"cannot {what}: no Azure identity could sign in; give the gateway a managed identity with the 'Key Vault Crypto User' role (Tokengate:Encryption:KeyVaultManagedIdentityClientId) or sign in for development.", ex);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new KeyEncryptionKeyException($"Key Vault's answer to {what} is not the JSON expected.", ex);
        }
        catch (FormatException ex)
        {
            throw new KeyEncryptionKeyException($"Key Vault's answer to {what} is not base64url.", ex);
        }
    }

    private async ValueTask<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (_token.ExpiresOn - time.GetUtcNow() > TimeSpan.FromMinutes(5)) return _token.Token;
        await _tokenGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token.ExpiresOn - time.GetUtcNow() <= TimeSpan.FromMinutes(5))
                _token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), cancellationToken).ConfigureAwait(false);
            return _token.Token;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            // The code only: the service's message may echo request details.
            return (await response.Content.ReadFromJsonAsync(KeyVaultKeyJsonContext.Default.KeyVaultErrorResponse, cancellationToken).ConfigureAwait(false))?.Error?.Code;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string KeyName(Uri uri) => uri.AbsolutePath.Trim('/').Split('/') is [_, var name, ..] ? name : "";
}
