namespace Tokengate.Files;

/// <summary>
/// The names every <see cref="IBlobStore"/> accepts, the same for each store so a name that works in a folder works in
/// Azure and back. A blob name is segments of <c>[A-Za-z0-9._-]</c> joined by <c>/</c>: no leading, trailing or
/// doubled <c>/</c>, no <c>..</c>, no segment that starts with <c>.</c> (the folder store keeps its own work there), at
/// most 1,024 characters with segments of at most 255. A block id is 1–32 characters of <c>[A-Za-z0-9_-]</c>.
/// One more rule the names the gateway chooses must keep: a name is never also the folder of another (<c>a</c> and
/// <c>a/b</c> side by side), which Azure allows and a file system cannot hold.
/// </summary>
internal static class BlobName
{
    /// <summary>The longest name: Azure's limit, and well under what a file system path allows below the root.</summary>
    public const int MaxLength = 1024;

    /// <summary>The longest segment: the longest file name most file systems allow.</summary>
    public const int MaxSegmentLength = 255;

    /// <summary>The longest block id: Azure's 64-byte block id holds it with room for the parts of a split block.</summary>
    public const int MaxBlockIdLength = 32;

    /// <exception cref="ArgumentException">The name is not a valid blob name.</exception>
    public static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Problem(name, prefix: false) is { } problem) throw new ArgumentException($"'{name}' is not a valid blob name: {problem}", nameof(name));
    }

    /// <summary>A prefix to list by: empty, or the start of a valid name (it may end in the middle of a segment or with <c>/</c>).</summary>
    /// <exception cref="ArgumentException">The prefix could not start any valid name.</exception>
    public static void ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0) return;
        if (Problem(prefix, prefix: true) is { } problem) throw new ArgumentException($"'{prefix}' is not a valid blob name prefix: {problem}", nameof(prefix));
    }

    /// <exception cref="ArgumentException">The block id is not valid.</exception>
    public static void ValidateBlockId(string blockId)
    {
        ArgumentNullException.ThrowIfNull(blockId);
        if (blockId.Length is 0 or > MaxBlockIdLength)
            throw new ArgumentException($"a block id has 1 to {MaxBlockIdLength} characters (was {blockId.Length}).", nameof(blockId));
        foreach (var c in blockId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
                throw new ArgumentException($"'{blockId}' is not a valid block id: only letters, digits, '_' and '-' are allowed.", nameof(blockId));
        }
    }

    private static string? Problem(string name, bool prefix)
    {
        if (name.Length == 0) return "it is empty.";
        if (name.Length > MaxLength) return $"it is longer than {MaxLength} characters.";
        if (name[0] == '/') return "it starts with '/'.";
        if (!prefix && name[^1] == '/') return "it ends with '/'.";
        if (name.Contains("..", StringComparison.Ordinal)) return "it contains '..'.";
        var segmentStart = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i < name.Length && name[i] != '/')
            {
                var c = name[i];
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-')) return $"'{c}' is not allowed (only letters, digits, '.', '_', '-' and '/').";
                continue;
            }
            var length = i - segmentStart;
            if (length == 0 && i < name.Length) return "it has an empty segment ('//').";
            if (length > MaxSegmentLength) return $"a segment is longer than {MaxSegmentLength} characters.";
            if (length > 0 && name[segmentStart] == '.') return "a segment starts with '.'.";
            segmentStart = i + 1;
        }
        return null;
    }
}
