using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Tokengate.Files;

/// <summary>
/// Blobs as files under one folder (<c>Tokengate:Files:Folder</c>, by default <c>blobs</c> in the data folder), a
/// blob named <c>a/b</c> at <c>a/b</c> below it. Every write goes to a temporary file in <c>.tmp</c> first and is
/// renamed onto its name when complete, so a crash never leaves half a blob under a name: readers see the old bytes or
/// the new ones. Staged blocks are files in a folder per blob under <c>.staging</c> (named by a hash of the blob
/// name, so any name fits); <see cref="CommitBlocksAsync"/> appends each listed block file once into a temporary file,
/// renames it onto the name and then deletes the staging folder. That append is the one copy of the bytes a folder
/// store needs (a file system has no block list to commit); everything goes through streams with small buffers,
/// never a whole blob in memory.
/// </summary>
/// <remarks>
/// A crash can leave files in <c>.tmp</c> (writes that never finished) and staging folders of uploads that were
/// never committed or discarded; both may be deleted while the gateway is stopped. Nothing here is shared between
/// machines: a fleet uses <see cref="AzureBlobStore"/>.
/// </remarks>
internal sealed class FolderBlobStore : IBlobStore
{
    private const string TempFolderName = ".tmp";
    private const string StagingFolderName = ".staging";
    private const int CopyBufferSize = 81_920;

    /// <summary>
    /// Bytes per write of a new blob. Each write but the last is this size at a multiple of it, so no page of the page
    /// cache is written in part: ext4 zeroes a new page's unwritten rest before a partial write (the pipe hands over
    /// 64 KiB chunks plus their 44-byte frame, so plain copies wrote at odd offsets, and that zeroing was 6% of an
    /// upload's CPU time in a profile).
    /// </summary>
    private const int WriteBufferSize = 256 * 1024;

    private readonly string _root;
    private readonly string _temp;
    private readonly string _staging;

    /// <param name="root">The folder the blobs live in; created when missing.</param>
    public FolderBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
        _temp = Path.Combine(_root, TempFolderName);
        _staging = Path.Combine(_root, StagingFolderName);
        Directory.CreateDirectory(_temp);
        Directory.CreateDirectory(_staging);
    }

    /// <summary>The folder the blobs live in (a full path).</summary>
    public string Root => _root;

    public async Task WriteAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        ArgumentNullException.ThrowIfNull(content);
        var temp = NewTempPath();
        try
        {
            await using (var file = CreateFile(temp))
            {
                await CopyInWholeWritesAsync(content, file, cancellationToken).ConfigureAwait(false);
            }
            MoveIntoPlace(temp, PathOf(name));
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public async Task StageBlockAsync(string name, string blockId, Stream content, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        BlobName.ValidateBlockId(blockId);
        ArgumentNullException.ThrowIfNull(content);
        var folder = StagingFolder(name);
        var temp = NewTempPath();
        try
        {
            await using (var file = CreateFile(temp))
            {
                await CopyInWholeWritesAsync(content, file, cancellationToken).ConfigureAwait(false);
            }
            Directory.CreateDirectory(folder);
            // Renamed over an earlier block with the same id: staging again replaces it whole.
            File.Move(temp, Path.Combine(folder, blockId), overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public async Task CommitBlocksAsync(string name, IReadOnlyList<string> blockIds, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        ArgumentNullException.ThrowIfNull(blockIds);
        foreach (var blockId in blockIds) BlobName.ValidateBlockId(blockId);
        var folder = StagingFolder(name);
        var temp = NewTempPath();
        try
        {
            await using (var file = CreateFile(temp))
            {
                foreach (var blockId in blockIds)
                {
                    FileStream block;
                    try
                    {
                        block = OpenFile(Path.Combine(folder, blockId), bufferSize: 0);
                    }
                    catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                    {
                        throw new InvalidOperationException($"Block '{blockId}' of blob '{name}' was not staged.", ex);
                    }
                    await using (block)
                    {
                        await block.CopyToAsync(file, CopyBufferSize, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            MoveIntoPlace(temp, PathOf(name));
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        DeleteFolder(folder);
    }

    public Task DiscardBlocksAsync(string name, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        DeleteFolder(StagingFolder(name));
        return Task.CompletedTask;
    }

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        try
        {
            return Task.FromResult<Stream?>(OpenFile(PathOf(name), bufferSize: 4096));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        BlobName.Validate(name);
        var path = PathOf(name);
        if (!File.Exists(path)) return Task.FromResult(false);
        try
        {
            File.Delete(path);  // no error when it went in the meantime; that delete was someone else's
        }
        catch (DirectoryNotFoundException)
        {
            return Task.FromResult(false);
        }
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        BlobName.ValidatePrefix(prefix);
        // Start in the deepest folder the prefix names in full, so a listing of one upload's folder reads only that folder.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? _root : PathOf(prefix[..slash]);
        if (!Directory.Exists(start)) yield break;

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        foreach (var path in Directory.EnumerateFiles(start, "*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetRelativePath(_root, path);
            if (Path.DirectorySeparatorChar != '/') name = name.Replace(Path.DirectorySeparatorChar, '/');
            // The store's own folders (.tmp, .staging) and anything else no valid name could be are not blobs.
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !IsBlobName(name)) continue;
            yield return name;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static async Task CopyInWholeWritesAsync(Stream content, FileStream file, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(WriteBufferSize);
        try
        {
            int read;
            while ((read = await content.ReadAtLeastAsync(buffer.AsMemory(0, WriteBufferSize), WriteBufferSize, throwOnEndOfStream: false, cancellationToken)
                       .ConfigureAwait(false)) > 0)
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsBlobName(string name)
    {
        try
        {
            BlobName.Validate(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private string PathOf(string name) =>
        Path.Combine(_root, Path.DirectorySeparatorChar == '/' ? name : name.Replace('/', Path.DirectorySeparatorChar));

    // A hash, not the name: names may be 1,024 characters and nested, a staging folder is one short segment.
    private string StagingFolder(string name) =>
        Path.Combine(_staging, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name))));

    private string NewTempPath() => Path.Combine(_temp, Guid.NewGuid().ToString("N"));

    private static void MoveIntoPlace(string temp, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(temp, path, overwrite: true);  // rename(2): atomic on one file system
    }

    // Unbuffered: every write is a whole copy buffer, so a FileStream buffer would only be one more allocation.
    private static FileStream CreateFile(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);

    // FileShare.Delete: a blob may be replaced or deleted while a reader still streams the old bytes.
    private static FileStream OpenFile(string path, int bufferSize) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
