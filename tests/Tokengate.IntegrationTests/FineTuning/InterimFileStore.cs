using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Tokengate.Encryption;
using Tokengate.Files;

namespace Tokengate.IntegrationTests.FineTuning;

/// <summary>A blob store in memory and encryption that passes bytes through, for a gateway that has no others registered.</summary>
internal sealed class InterimBlobStore : IBlobStore
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new();
    private readonly ConcurrentDictionary<(string, string), byte[]> _blocks = new();

    public async Task WriteAsync(string name, Stream content, CancellationToken cancellationToken) => _blobs[name] = await ReadAsync(content, cancellationToken);

    public async Task StageBlockAsync(string name, string blockId, Stream content, CancellationToken cancellationToken) =>
        _blocks[(name, blockId)] = await ReadAsync(content, cancellationToken);

    public Task CommitBlocksAsync(string name, IReadOnlyList<string> blockIds, CancellationToken cancellationToken)
    {
        _blobs[name] = [.. blockIds.SelectMany(id => _blocks[(name, id)])];
        return Task.CompletedTask;
    }

    public Task DiscardBlocksAsync(string name, CancellationToken cancellationToken)
    {
        foreach (var key in _blocks.Keys.Where(k => k.Item1 == name)) _blocks.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<Stream?>(_blobs.TryGetValue(name, out var bytes) ? new MemoryStream(bytes, writable: false) : null);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => Task.FromResult(_blobs.TryRemove(name, out _));

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var name in _blobs.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))) yield return name;
    }

    private static async Task<byte[]> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}

/// <summary>See <see cref="InterimBlobStore"/>.</summary>
internal sealed class InterimEncryption : IEnvelopeEncryption
{
    public Task CreateKeyAsync(string objectId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<Stream> EncryptAsync(string objectId, Stream destination, int part, CancellationToken cancellationToken) => Task.FromResult(destination);

    public Task<Stream> DecryptAsync(string objectId, Stream source, CancellationToken cancellationToken) => Task.FromResult(source);

    public Task ShredAsync(string objectId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<int> RotateAsync(CancellationToken cancellationToken) => Task.FromResult(0);
}
