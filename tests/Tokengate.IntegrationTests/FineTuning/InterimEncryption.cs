using Tokengate.Encryption;

namespace Tokengate.IntegrationTests.FineTuning;

/// <summary>Encryption that passes bytes through, for a gateway that has no envelope encryption registered.</summary>
internal sealed class InterimEncryption : IEnvelopeEncryption
{
    public Task CreateKeyAsync(string objectId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<Stream> EncryptAsync(string objectId, Stream destination, int part, CancellationToken cancellationToken) => Task.FromResult(destination);

    public Task<Stream> DecryptAsync(string objectId, Stream source, CancellationToken cancellationToken) => Task.FromResult(source);

    public Task ShredAsync(string objectId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<int> RotateAsync(CancellationToken cancellationToken) => Task.FromResult(0);
}
