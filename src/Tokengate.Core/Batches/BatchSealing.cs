using Tokengate.Encryption;

namespace Tokengate.Batches;

/// <summary>
/// Line bodies and results of a gateway-run batch, envelope-encrypted under the batch's own data key before they
/// reach the database (they hold prompts and answers), each as its own piece of the batch's object.
/// </summary>
internal sealed class BatchSealing(IEnvelopeEncryption encryption)
{
    /// <summary>Part numbers of results start past every line's body.</summary>
    private const int ResultParts = 1_000_000;

    public Task CreateKeyAsync(string batchId, CancellationToken cancellationToken) => encryption.CreateKeyAsync(batchId, cancellationToken);

    public Task<byte[]> SealBodyAsync(string batchId, int line, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        SealAsync(batchId, line + 1, body, cancellationToken);

    public Task<byte[]> SealResultAsync(string batchId, int line, ReadOnlyMemory<byte> result, CancellationToken cancellationToken) =>
        SealAsync(batchId, ResultParts + line + 1, result, cancellationToken);

    public async Task<byte[]> OpenAsync(string batchId, byte[] sealedBytes, CancellationToken cancellationToken)
    {
        await using var plain = await encryption.DecryptAsync(batchId, new MemoryStream(sealedBytes, writable: false), cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await plain.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>Destroys the batch's data key: every sealed body and result becomes unreadable.</summary>
    public Task ShredAsync(string batchId, CancellationToken cancellationToken) => encryption.ShredAsync(batchId, cancellationToken);

    private async Task<byte[]> SealAsync(string batchId, int part, ReadOnlyMemory<byte> plain, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(plain.Length + 64);
        await using (var sealing = await encryption.EncryptAsync(batchId, buffer, part, cancellationToken).ConfigureAwait(false))
            await sealing.WriteAsync(plain, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
