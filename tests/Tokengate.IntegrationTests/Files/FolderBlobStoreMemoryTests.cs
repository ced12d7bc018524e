using Tokengate.Files;

namespace Tokengate.IntegrationTests.Files;

/// <summary>Tests that count the bytes the whole process allocates, so nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Allocation";
}

/// <summary><see cref="FolderBlobStore"/> streams: a large upload never passes through memory whole.</summary>
[Collection(AllocationCollection.Name)]
public sealed class FolderBlobStoreMemoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tokengate-blobs-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task StageAndCommit_TwoHundredMegabytes_AllocatesAFractionOfTheSize()
    {
        const int blocks = 10;
        const long blockSize = 20L * 1024 * 1024;
        var store = new FolderBlobStore(_root);
        await store.StageBlockAsync("warm-up", "b0", new GeneratedStream(100_000, seed: 9), default);  // first-call costs (JIT, pools) apart
        await store.CommitBlocksAsync("warm-up", ["b0"], default);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < blocks; i++)
            await store.StageBlockAsync("large", $"b{i}", new GeneratedStream(blockSize, seed: (ulong)i + 1), default);
        await store.CommitBlocksAsync("large", [.. Enumerable.Range(0, blocks).Select(i => $"b{i}")], default);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(blocks * blockSize, new FileInfo(Path.Combine(_root, "large")).Length);
        Assert.True(allocated < 8L * 1024 * 1024, $"staging and committing {blocks * blockSize:N0} bytes allocated {allocated:N0} bytes");
    }
}
