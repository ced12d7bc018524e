namespace Tokengate.Files;

public sealed class AzureBlockIdTests
{
    [Theory]
    [InlineData("a", 0L, 0u, 0, (byte)AzureBlockPart.Last)]
    [InlineData("part-00001", 638_000_000_000_000_000L, 123_456u, 17, (byte)AzureBlockPart.More)]
    [InlineData("12345678901234567890123456789012", long.MaxValue, uint.MaxValue, AzureBlockId.MaxParts - 1, (byte)AzureBlockPart.Empty)]
    public void Encode_ThenDecode_GivesTheSameId_In48Bytes(string blockId, long ticks, uint nonce, int part, byte kind)
    {
        var id = new AzureBlockId(blockId, ticks, nonce, part, (AzureBlockPart)kind);

        var encoded = id.Encode();

        Assert.Equal(48, Convert.FromBase64String(encoded).Length);  // the length of the Azure SDK's own block ids
        Assert.True(AzureBlockId.TryDecode(encoded, out var decoded));
        Assert.Equal(id, decoded);
    }

    [Fact]
    public void Generations_OrderByTheirTicksFirst()
    {
        var older = new AzureBlockId("b", 100, uint.MaxValue, 0, AzureBlockPart.Last);
        var newer = new AzureBlockId("b", 101, 0, 0, AzureBlockPart.Last);

        Assert.True(newer.Generation.CompareTo(older.Generation) > 0);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]  // too short
    public void TryDecode_SomethingElse_ReturnsFalse(string encoded) => Assert.False(AzureBlockId.TryDecode(encoded, out _));

    [Fact]
    public void TryDecode_TheAzureSdksOwnBlockIds_ReturnsFalse()
    {
        // The SDK's uploads: the offset in the first 8 bytes of 48, the rest zero.
        var raw = new byte[48];
        BitConverter.GetBytes(4L * 1024 * 1024).CopyTo(raw, 0);

        Assert.False(AzureBlockId.TryDecode(Convert.ToBase64String(new byte[48]), out _));
        Assert.False(AzureBlockId.TryDecode(Convert.ToBase64String(raw), out _));
    }
}
