using System.Security.Cryptography;
using System.Text;
using Tokengate.Files;

namespace Tokengate.IntegrationTests.Files;

/// <summary>
/// What every <see cref="IBlobStore"/> promises, run against each implementation by the classes that derive from this
/// one (a folder; Azure Blob Storage through Azurite). Every test gets a fresh, empty store.
/// </summary>
public abstract class BlobStoreContractTests : IAsyncLifetime
{
    private const int Megabyte = 1024 * 1024;

    /// <summary>The store under test.</summary>
    private protected abstract IBlobStore Store { get; }

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    private protected static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private protected async Task<byte[]?> ReadAllAsync(string name)
    {
        await using var stream = await Store.OpenReadAsync(name, default);
        if (stream is null) return null;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private protected async Task<string?> ReadTextAsync(string name) =>
        await ReadAllAsync(name) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The SHA-256 of a blob and its length, read as a stream.</summary>
    private protected async Task<(byte[] Hash, long Length)> HashAsync(string name)
    {
        await using var stream = await Store.OpenReadAsync(name, default) ?? throw new InvalidOperationException($"no blob '{name}'");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81_920];
        long length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }
        return (hash.GetHashAndReset(), length);
    }

    private async Task<List<string>> ListAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (var name in Store.ListAsync(prefix, default)) names.Add(name);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    [Fact]
    public async Task Write_EmptyContent_ReadsBackNoBytes()
    {
        await Store.WriteAsync("empty", new MemoryStream(), default);

        var bytes = await ReadAllAsync("empty");

        Assert.NotNull(bytes);
        Assert.Empty(bytes);
    }

    [Fact]
    public async Task Write_OneByte_ReadsBackThatByte()
    {
        await Store.WriteAsync("one", new MemoryStream([0x2a]), default);

        var bytes = await ReadAllAsync("one");

        Assert.Equal(new byte[] { 0x2a }, bytes);
    }

    [Fact]
    public async Task Write_TwentyMegabytesFromAStream_ReadsBackTheSameBytes()
    {
        const long size = 20L * Megabyte + 7;
        await Store.WriteAsync("large/blob", new GeneratedStream(size, seed: 20), default);

        var (hash, length) = await HashAsync("large/blob");

        Assert.Equal(size, length);
        Assert.Equal(GeneratedStream.Hash(size, seed: 20), hash);
    }

    [Fact]
    public async Task Write_SameNameAgain_ReplacesTheBytes()
    {
        await Store.WriteAsync("doc", Text("first version, the longer one"), default);
        await Store.WriteAsync("doc", Text("second"), default);

        Assert.Equal("second", await ReadTextAsync("doc"));
    }

    [Fact]
    public async Task Write_ContentFailsMidway_LeavesTheEarlierBytes()
    {
        await Store.WriteAsync("kept", Text("earlier"), default);

        await Assert.ThrowsAnyAsync<Exception>(() => Store.WriteAsync("kept", new GeneratedStream(1000, seed: 1, failAfter: 500), default));
        await Assert.ThrowsAnyAsync<Exception>(() => Store.WriteAsync("never", new GeneratedStream(1000, seed: 1, failAfter: 500), default));

        Assert.Equal("earlier", await ReadTextAsync("kept"));
        Assert.Null(await Store.OpenReadAsync("never", default));
    }

    [Fact]
    public async Task Delete_Existing_ReturnsTrueThenFalse_AndTheBlobIsGone()
    {
        await Store.WriteAsync("gone", Text("x"), default);

        Assert.True(await Store.DeleteAsync("gone", default));
        Assert.False(await Store.DeleteAsync("gone", default));
        Assert.Null(await Store.OpenReadAsync("gone", default));
    }

    [Fact]
    public async Task OpenRead_Missing_ReturnsNull()
    {
        Assert.Null(await Store.OpenReadAsync("missing", default));
        Assert.Null(await Store.OpenReadAsync("missing/below/it", default));
        Assert.False(await Store.DeleteAsync("missing", default));
    }

    [Fact]
    public async Task Commit_BlocksStagedOutOfOrder_JoinsThemInCommitOrder()
    {
        await Store.StageBlockAsync("upload/a", "part-3", Text("three"), default);
        await Store.StageBlockAsync("upload/a", "part-1", Text("one,"), default);
        await Store.StageBlockAsync("upload/a", "part-2", Text("two,"), default);

        Assert.Null(await Store.OpenReadAsync("upload/a", default));  // nothing to read before the commit
        await Store.CommitBlocksAsync("upload/a", ["part-1", "part-2", "part-3"], default);

        Assert.Equal("one,two,three", await ReadTextAsync("upload/a"));
    }

    [Fact]
    public async Task StageBlock_SameIdAgain_ReplacesTheBlock()
    {
        await Store.StageBlockAsync("restaged", "b1", Text("first try, longer than the second"), default);
        await Store.StageBlockAsync("restaged", "b2", Text("|tail"), default);
        await Store.StageBlockAsync("restaged", "b1", Text("second"), default);

        await Store.CommitBlocksAsync("restaged", ["b1", "b2"], default);

        Assert.Equal("second|tail", await ReadTextAsync("restaged"));
    }

    [Fact]
    public async Task Commit_ASubset_DropsTheBlocksNotListed()
    {
        await Store.StageBlockAsync("subset", "keep", Text("kept"), default);
        await Store.StageBlockAsync("subset", "drop", Text("dropped"), default);

        await Store.CommitBlocksAsync("subset", ["keep"], default);

        Assert.Equal("kept", await ReadTextAsync("subset"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitBlocksAsync("subset", ["keep", "drop"], default));
        Assert.Equal("kept", await ReadTextAsync("subset"));
    }

    [Fact]
    public async Task Commit_ABlockNeverStaged_ThrowsAndWritesNothing()
    {
        await Store.StageBlockAsync("partial", "b1", Text("one"), default);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitBlocksAsync("partial", ["b1", "b2"], default));

        Assert.Contains("'b2'", error.Message, StringComparison.Ordinal);
        Assert.Null(await Store.OpenReadAsync("partial", default));
    }

    [Fact]
    public async Task Commit_OverAnExistingBlob_ReplacesIt()
    {
        await Store.WriteAsync("replaced", Text("written whole"), default);
        await Store.StageBlockAsync("replaced", "b1", Text("from blocks"), default);

        Assert.Equal("written whole", await ReadTextAsync("replaced"));
        await Store.CommitBlocksAsync("replaced", ["b1"], default);

        Assert.Equal("from blocks", await ReadTextAsync("replaced"));
    }

    [Fact]
    public async Task Commit_BlocksLargerThanOnePart_AndAnEmptyOne_JoinsEveryByte()
    {
        const long big = 9L * Megabyte + 3;  // several Azure parts, not a whole number of them
        const long exact = 4L * Megabyte;    // exactly one Azure part
        await Store.StageBlockAsync("big", "b2", new GeneratedStream(exact, seed: 2), default);
        await Store.StageBlockAsync("big", "b1", new GeneratedStream(big, seed: 1), default);
        await Store.StageBlockAsync("big", "b0", new MemoryStream(), default);

        await Store.CommitBlocksAsync("big", ["b0", "b1", "b2"], default);

        using var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (size, seed) in new[] { (big, 1UL), (exact, 2UL) })
        {
            await using var part = new GeneratedStream(size, seed);
            var buffer = new byte[81_920];
            int read;
            while ((read = part.Read(buffer)) > 0) expected.AppendData(buffer, 0, read);
        }
        var (hash, length) = await HashAsync("big");
        Assert.Equal(big + exact, length);
        Assert.Equal(expected.GetHashAndReset(), hash);
    }

    [Fact]
    public async Task StageBlock_ALargeBlockRestagedSmaller_CommitsOnlyTheNewBytes()
    {
        await Store.StageBlockAsync("shrunk", "b1", new GeneratedStream(9L * Megabyte, seed: 3), default);
        await Store.StageBlockAsync("shrunk", "b1", Text("small now"), default);

        await Store.CommitBlocksAsync("shrunk", ["b1"], default);

        Assert.Equal("small now", await ReadTextAsync("shrunk"));
    }

    [Fact]
    public async Task Commit_NoBlocks_MakesAnEmptyBlob()
    {
        await Store.CommitBlocksAsync("nothing", [], default);

        var bytes = await ReadAllAsync("nothing");

        Assert.NotNull(bytes);
        Assert.Empty(bytes);
    }

    [Fact]
    public async Task Discard_StagedBlocks_LeavesNothingToCommit()
    {
        await Store.StageBlockAsync("cancelled", "b1", Text("one"), default);
        await Store.StageBlockAsync("cancelled", "b2", Text("two"), default);

        await Store.DiscardBlocksAsync("cancelled", default);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CommitBlocksAsync("cancelled", ["b1", "b2"], default));
        Assert.Null(await Store.OpenReadAsync("cancelled", default));
        Assert.Empty(await ListAsync("cancelled"));
    }

    [Fact]
    public async Task Discard_WithNothingStaged_DoesNothing()
    {
        await Store.WriteAsync("committed", Text("stays"), default);

        await Store.DiscardBlocksAsync("never-staged", default);
        await Store.DiscardBlocksAsync("committed", default);

        Assert.Null(await Store.OpenReadAsync("never-staged", default));
        Assert.Equal("stays", await ReadTextAsync("committed"));
    }

    [Fact]
    public async Task Discard_BesideACommittedBlob_KeepsTheBlob()
    {
        await Store.WriteAsync("kept-blob", Text("committed"), default);
        await Store.StageBlockAsync("kept-blob", "b1", Text("staged"), default);

        await Store.DiscardBlocksAsync("kept-blob", default);

        Assert.Equal("committed", await ReadTextAsync("kept-blob"));
    }

    [Fact]
    public async Task List_ByPrefix_ReturnsTheCommittedBlobsUnderIt()
    {
        foreach (var name in new[] { "files/a", "files/b/c.bin", "files/b/d", "filesx", "other/a" })
            await Store.WriteAsync(name, Text(name), default);
        await Store.StageBlockAsync("files/staged-only", "b1", Text("not a blob yet"), default);

        Assert.Equal(["files/a", "files/b/c.bin", "files/b/d"], await ListAsync("files/"));
        Assert.Equal(["files/a", "files/b/c.bin", "files/b/d", "filesx"], await ListAsync("files"));
        Assert.Equal(["files/b/c.bin", "files/b/d"], await ListAsync("files/b/"));
        Assert.Equal(["files/b/c.bin"], await ListAsync("files/b/c"));
        Assert.Equal(["files/a", "files/b/c.bin", "files/b/d", "filesx", "other/a"], await ListAsync(""));
        Assert.Empty(await ListAsync("nothing/"));
    }

    [Fact]
    public async Task Names_WithSlashSegments_AreBlobsOfTheirOwn()
    {
        await Store.WriteAsync("2030/03/01/batch-1.jsonl", Text("one"), default);
        await Store.WriteAsync("2030/03/01/batch-2.jsonl", Text("two"), default);
        await Store.WriteAsync("2030/03/02/batch-1.jsonl", Text("three"), default);

        Assert.Equal("one", await ReadTextAsync("2030/03/01/batch-1.jsonl"));
        Assert.Equal("two", await ReadTextAsync("2030/03/01/batch-2.jsonl"));
        Assert.Equal("three", await ReadTextAsync("2030/03/02/batch-1.jsonl"));
        Assert.True(await Store.DeleteAsync("2030/03/01/batch-1.jsonl", default));
        Assert.Equal("two", await ReadTextAsync("2030/03/01/batch-2.jsonl"));
        Assert.Equal(["2030/03/01/batch-2.jsonl", "2030/03/02/batch-1.jsonl"], await ListAsync("2030/"));
    }

    public static TheoryData<string> InvalidNames =>
    [
        "", "/etc/passwd", "a/", "a//b", "..", "a/../b", "../outside", "a..b", ".staging/x", "a/.tmp/b", ".hidden",
        "a\\b", "a b", "a:b", "ä", "a\0b", new string('x', 1025), new string('x', 256) + "/a",
    ];

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public async Task EveryOperation_InvalidName_IsRejected(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(name, Text("x"), default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.StageBlockAsync(name, "b1", Text("x"), default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitBlocksAsync(name, ["b1"], default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DiscardBlocksAsync(name, default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(name, default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(name, default));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a/b")]
    [InlineData("../b")]
    [InlineData("a b")]
    [InlineData("123456789012345678901234567890123")]  // 33 characters
    public async Task StageAndCommit_InvalidBlockId_IsRejected(string blockId)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.StageBlockAsync("valid", blockId, Text("x"), default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CommitBlocksAsync("valid", [blockId], default));
        Assert.Null(await Store.OpenReadAsync("valid", default));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/files")]
    [InlineData("../")]
    [InlineData("a//")]
    public async Task List_InvalidPrefix_IsRejected(string prefix)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ListAsync(prefix));
    }
}
