namespace Tokengate.Encryption;

/// <summary>One object's stored data key: wrapped by <paramref name="KekId"/>, or destroyed (both null).</summary>
internal sealed record DataKeyRecord(string ObjectId, byte[]? WrappedKey, string? KekId, DateTimeOffset CreatedAt, DateTimeOffset? DestroyedAt)
{
    public bool Destroyed => WrappedKey is null;
}
