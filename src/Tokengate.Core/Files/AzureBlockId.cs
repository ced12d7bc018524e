using System.Buffers.Binary;
using System.Text;

namespace Tokengate.Files;

/// <summary>
/// One Azure block of a staged <see cref="IBlobStore"/> block. Put Block needs the block's length up front, so a block
/// read from a stream of unknown length is staged as consecutive parts of at most <see cref="AzureBlobStore.PartSize"/>
/// bytes; each staging of a block is a new generation (the clock's ticks and a random tiebreak), and the newest
/// complete generation is the one committed. The id is 48 bytes before Base64, the length the Azure SDK's own
/// uploads use, because Azure wants every block id of a blob to have the same length: the gateway's block id (NUL
/// padded to 32 bytes), the generation (8 + 4 bytes), the part number (3 bytes) and a kind byte.
/// </summary>
internal readonly record struct AzureBlockId(string BlockId, long Ticks, uint Nonce, int Part, AzureBlockPart Kind)
{
    private const int Size = 48;
    private const int IdBytes = 32;

    /// <summary>The most parts one block can have (3 bytes of part number).</summary>
    public const int MaxParts = 1 << 24;

    /// <summary>Which generation this part belongs to: newer ones sort later.</summary>
    public (long Ticks, uint Nonce) Generation => (Ticks, Nonce);

    public string Encode()
    {
        Span<byte> raw = stackalloc byte[Size];
        raw.Clear();
        Encoding.ASCII.GetBytes(BlockId, raw[..IdBytes]);
        BinaryPrimitives.WriteInt64BigEndian(raw[32..], Ticks);
        BinaryPrimitives.WriteUInt32BigEndian(raw[40..], Nonce);
        raw[44] = (byte)(Part >> 16);
        raw[45] = (byte)(Part >> 8);
        raw[46] = (byte)Part;
        raw[47] = (byte)Kind;
        return Convert.ToBase64String(raw);
    }

    /// <summary>Reads an id this store wrote; false for any other (blocks of an SDK upload, another tool's).</summary>
    public static bool TryDecode(string base64, out AzureBlockId id)
    {
        id = default;
        Span<byte> raw = stackalloc byte[Size + 3];
        if (!Convert.TryFromBase64String(base64, raw, out var written) || written != Size) return false;
        var length = raw[..IdBytes].IndexOf((byte)0);
        if (length < 0) length = IdBytes;
        if (length == 0 || raw[length..IdBytes].ContainsAnyExcept((byte)0)) return false;
        var blockId = Encoding.ASCII.GetString(raw[..length]);
        foreach (var c in blockId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-')) return false;
        }
        var kind = (AzureBlockPart)raw[47];
        if (!Enum.IsDefined(kind)) return false;
        id = new AzureBlockId(
            blockId,
            BinaryPrimitives.ReadInt64BigEndian(raw[32..]),
            BinaryPrimitives.ReadUInt32BigEndian(raw[40..]),
            (raw[44] << 16) | (raw[45] << 8) | raw[46],
            kind);
        return true;
    }
}
