using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Encryption;

namespace Tokengate.OperatorConsole;

/// <summary>
/// Unwraps a key written by <see cref="ConsoleKeyRingEncryptor"/>. Data Protection creates it by type from the key's
/// XML, handing it the service provider, when it loads the key ring.
/// </summary>
internal sealed class ConsoleKeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => DecryptAsync(encryptedElement).GetAwaiter().GetResult();

    private async Task<XElement> DecryptAsync(XElement encrypted)
    {
        var objectId = encrypted.Attribute(ConsoleKeyRingEncryptor.ObjectAttribute)?.Value
            ?? throw new InvalidOperationException("A console key ring entry names no encryption object.");
        var encryption = services.GetRequiredService<IEnvelopeEncryption>();
        var plaintext = await encryption.DecryptAsync(objectId, new MemoryStream(Convert.FromBase64String(encrypted.Value)), CancellationToken.None).ConfigureAwait(false);
        await using (plaintext.ConfigureAwait(false))
        {
            using var reader = new StreamReader(plaintext, System.Text.Encoding.UTF8);
            return XElement.Parse(await reader.ReadToEndAsync().ConfigureAwait(false));
        }
    }
}
