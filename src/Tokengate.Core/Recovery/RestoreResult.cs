namespace Tokengate.Recovery;

/// <summary>What <c>tokengate dr restore</c> did.</summary>
/// <param name="Manifest">The backup restored.</param>
/// <param name="DataDirectory">The data folder it made.</param>
/// <param name="Bytes">Bytes read from the target (snapshot and blobs).</param>
/// <param name="Elapsed">How long the restore took (the recovery time, for this much data).</param>
internal sealed record RestoreResult(BackupManifest Manifest, string DataDirectory, long Bytes, TimeSpan Elapsed);
