namespace Tokengate.Files;

/// <summary>What one Azure block says about the staged block it is a part of.</summary>
internal enum AzureBlockPart : byte
{
    /// <summary>More parts follow.</summary>
    More = 0,

    /// <summary>The last part.</summary>
    Last = 1,

    /// <summary>
    /// The block is empty: a one-byte marker that is never committed (a zero-length Put Block is not something to rely on).
    /// </summary>
    Empty = 2,
}
