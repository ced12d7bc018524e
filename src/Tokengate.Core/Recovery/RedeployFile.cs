namespace Tokengate.Recovery;

/// <summary>A file a job was made from.</summary>
/// <param name="Id">The gateway's file id (its ciphertext is in the backup; the restored gateway serves its content).</param>
/// <param name="Sha256">Hex SHA-256 of its bytes, to check the copy that is uploaded.</param>
/// <param name="Bytes">Its size, when the file is still in the store.</param>
/// <param name="Filename">The name it was uploaded with, when the file is still in the store.</param>
internal sealed record RedeployFile(string Id, string Sha256, long? Bytes, string? Filename);
