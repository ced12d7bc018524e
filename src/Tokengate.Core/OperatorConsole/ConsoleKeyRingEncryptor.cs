using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Tokengate.Encryption;

namespace Tokengate.OperatorConsole;

/// <summary>
/// Wraps each Data Protection key of the console's key ring with the gateway's envelope encryption before it is
/// stored (its own data key, wrapped by the key-encryption key: the local key or the Key Vault key), so reading the
/// database alone is not enough to forge session cookies. Data Protection calls this when it creates a key (about
/// every 90 days), off the request path of everyone but the first caller after that.
/// </summary>
internal sealed class ConsoleKeyRingEncryptor(IEnvelopeEncryption encryption) : IXmlEncryptor
{
    public const string ElementName = "tokengateEnvelope";
    public const string ObjectAttribute = "object";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => EncryptAsync(plaintextElement).GetAwaiter().GetResult();

    private async Task<EncryptedXmlInfo> EncryptAsync(XElement plaintext)
    {
        var objectId = "console-key-ring/" + Guid.NewGuid().ToString("N");
        await encryption.CreateKeyAsync(objectId, CancellationToken.None).ConfigureAwait(false);
        using var ciphertext = new MemoryStream();
        var writer = await encryption.EncryptAsync(objectId, ciphertext, 1, CancellationToken.None).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
            await writer.WriteAsync(bytes).ConfigureAwait(false);
        }
        var element = new XElement(ElementName, new XAttribute(ObjectAttribute, objectId), Convert.ToBase64String(ciphertext.ToArray()));
        return new EncryptedXmlInfo(element, typeof(ConsoleKeyRingDecryptor));
    }
}
