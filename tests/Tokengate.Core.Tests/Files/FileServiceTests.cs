using Tokengate.Encryption;

namespace Tokengate.Files;

/// <summary><see cref="FileService.WriteAsync"/> against a store that fails part-way, with encryption passed through.</summary>
public sealed class FileServiceTests
{
    [Fact]
    public async Task Write_StoreFailsAfterItsFirstRead_TheStoresErrorEndsTheUpload()
    {
        var service = new FileService(new FailingStore(), new PassThroughEncryption(), catalog: null!, TimeProvider.System);
        // Far more than the pipe holds before the writer waits for the reader (1 MiB).
        using var content = new MemoryStream(new byte[16 * 1024 * 1024]);
        // Only a bound for a hang to end on (the upload then fails as canceled, not with the store's error).
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var error = await Assert.ThrowsAsync<IOException>(() => service.WriteAsync("file-1", "blob-1", content, 1, long.MaxValue, hang.Token));

        Assert.Equal("No space left on device", error.Message);
        Assert.True(content.Position < content.Length);
    }

    private sealed class FailingStore : IBlobStore
    {
        public async Task WriteAsync(string name, Stream content, CancellationToken cancellationToken)
        {
            await content.ReadExactlyAsync(new byte[64 * 1024], cancellationToken);
            throw new IOException("No space left on device");
        }

        public Task StageBlockAsync(string name, string blockId, Stream content, CancellationToken cancellationToken) => WriteAsync(name, content, cancellationToken);
        public Task CommitBlocksAsync(string name, IReadOnlyList<string> blockIds, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DiscardBlocksAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class PassThroughEncryption : IEnvelopeEncryption
    {
        public Task CreateKeyAsync(string objectId, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<Stream> EncryptAsync(string objectId, Stream destination, int part, CancellationToken cancellationToken) => Task.FromResult(destination);
        public Task<Stream> DecryptAsync(string objectId, Stream source, CancellationToken cancellationToken) => Task.FromResult(source);
        public Task ShredAsync(string objectId, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<int> RotateAsync(CancellationToken cancellationToken) => Task.FromResult(0);
    }
}
