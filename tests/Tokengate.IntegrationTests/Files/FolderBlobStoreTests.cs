using Tokengate.Files;

namespace Tokengate.IntegrationTests.Files;

/// <summary>The contract on <see cref="FolderBlobStore"/> in a temporary folder, and what only a folder can show.</summary>
public sealed class FolderBlobStoreTests : BlobStoreContractTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tokengate-blobs-" + Guid.NewGuid().ToString("N"));
    private FolderBlobStore _store = null!;

    private protected override IBlobStore Store => _store;

    public override Task InitializeAsync()
    {
        _store = new FolderBlobStore(_root);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Write_PutsTheBlobAtItsPathUnderTheRoot_AndLeavesNoTemporaryFile()
    {
        await _store.WriteAsync("files/file-1/content", Text("bytes"), default);

        Assert.Equal("bytes", File.ReadAllText(Path.Combine(_root, "files", "file-1", "content")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, ".tmp")));
    }

    [Theory]
    [InlineData(1_000_003, 65_580)]      // the encrypting stream's chunk: reads end at odd offsets
    [InlineData(3 * 262_144, 100_000)]   // a whole number of the store's 256 KiB writes
    [InlineData(262_145, 7)]             // one byte past a write, in tiny reads
    public async Task Write_ContentInUnevenReads_StoresEveryByteInOrder(int length, int maxRead)
    {
        await _store.WriteAsync("uneven", new GeneratedStream(length, seed: 5, maxRead: maxRead), default);
        await _store.StageBlockAsync("uneven-blocks", "b1", new GeneratedStream(length, seed: 5, maxRead: maxRead), default);
        await _store.CommitBlocksAsync("uneven-blocks", ["b1"], default);

        var expected = GeneratedStream.Hash(length, seed: 5);
        Assert.Equal(expected, System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(_root, "uneven"))));
        Assert.Equal(expected, System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(_root, "uneven-blocks"))));
    }

    [Fact]
    public async Task Write_ContentFailsMidway_LeavesNoTemporaryFile()
    {
        await Assert.ThrowsAsync<IOException>(() => _store.WriteAsync("broken", new GeneratedStream(200_000, seed: 1, failAfter: 100_000), default));
        await Assert.ThrowsAsync<IOException>(() => _store.StageBlockAsync("broken", "b1", new GeneratedStream(200_000, seed: 1, failAfter: 100_000), default));

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, ".tmp")));
        Assert.False(File.Exists(Path.Combine(_root, "broken")));
    }

    [Fact]
    public async Task Commit_DeletesTheStagingFolder()
    {
        await _store.StageBlockAsync("uploads/u1", "b1", Text("one"), default);
        await _store.StageBlockAsync("uploads/u1", "b2", Text("two"), default);
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(_root, ".staging")));

        await _store.CommitBlocksAsync("uploads/u1", ["b2", "b1"], default);

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, ".staging")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, ".tmp")));
        Assert.Equal("twoone", await ReadTextAsync("uploads/u1"));
    }

    [Fact]
    public async Task OpenRead_WhileTheBlobIsReplaced_KeepsReadingTheOldBytes()
    {
        await _store.WriteAsync("swap", Text("old bytes"), default);
        await using var reader = (await _store.OpenReadAsync("swap", default))!;

        await _store.WriteAsync("swap", Text("new"), default);

        using var copy = new MemoryStream();
        await reader.CopyToAsync(copy);
        Assert.Equal("old bytes", System.Text.Encoding.UTF8.GetString(copy.ToArray()));
        Assert.Equal("new", await ReadTextAsync("swap"));
    }

    [Fact]
    public async Task List_SkipsTheStoresOwnFolders_AndFilesNoNameCouldBe()
    {
        await _store.WriteAsync("real", Text("x"), default);
        await _store.StageBlockAsync("staged", "b1", Text("x"), default);
        File.WriteAllText(Path.Combine(_root, ".tmp", "leftover"), "x");
        File.WriteAllText(Path.Combine(_root, "not a name"), "x");

        var names = new List<string>();
        await foreach (var name in _store.ListAsync("", default)) names.Add(name);

        Assert.Equal(["real"], names);
    }
}
