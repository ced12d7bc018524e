namespace Tokengate.Recovery;

/// <summary>A stored file as a database snapshot records it: the blob it lives in and the digest of its plain bytes.</summary>
/// <param name="Id">The gateway's file id (also the object id of its data key).</param>
/// <param name="Bytes">Size of the plain bytes.</param>
/// <param name="Sha256">Hex SHA-256 of the plain bytes.</param>
/// <param name="KekId">The KEK its data key is wrapped with (null when the snapshot has no live key for it).</param>
internal sealed record SnapshotFile(string Id, long Bytes, string Sha256, string? KekId);
