namespace Tokengate.Recovery;

/// <summary>What <c>tokengate dr verify</c> found: any problem makes the backup unfit to restore from.</summary>
/// <param name="BackupId">The backup checked.</param>
/// <param name="Target">Where it lies.</param>
/// <param name="ObjectsChecked">Stored objects whose size and SHA-256 were compared (the snapshot included).</param>
/// <param name="FilesDecrypted">Files whose data key unwrapped and whose ciphertext decrypted to the SHA-256 their catalog row records.</param>
/// <param name="Problems">What is wrong, one line each.</param>
/// <param name="Warnings">What is worth knowing but does not stop a restore.</param>
internal sealed record VerifyReport(string BackupId, string Target, int ObjectsChecked, int FilesDecrypted, IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings)
{
    public bool Ok => Problems.Count == 0;
}
