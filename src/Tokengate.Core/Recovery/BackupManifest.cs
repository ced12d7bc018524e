namespace Tokengate.Recovery;

/// <summary>
/// What one backup holds, written last into the target as <c>manifests/{Id}.json</c> (a backup without its manifest
/// never happened). Every manifest is complete: it lists every object the backup needs, copied by it or by an earlier
/// backup of the same target, so a restore reads one manifest only.
/// </summary>
/// <param name="Format">The manifest format (1).</param>
/// <param name="Id">The backup's id: its UTC start time, <c>yyyyMMdd'T'HHmmssfff'Z'</c>, so ids sort by time.</param>
/// <param name="SnapshotAt">The moment the database snapshot is consistent as of (the restored state's age is measured from it).</param>
/// <param name="CompletedAt">When the manifest was written.</param>
/// <param name="GatewayVersion">The version of the gateway that wrote it.</param>
/// <param name="DatabaseProvider">The engine the snapshot came from (<c>Sqlite</c>).</param>
/// <param name="Previous">The id of the target's previous backup this one was incremental to, if any.</param>
/// <param name="Database">The encrypted database snapshot.</param>
/// <param name="Objects">The blobs (files' ciphertext as stored), by their name in the target.</param>
/// <param name="Tables">Rows per table in the snapshot (a restore or verify can check its counts).</param>
/// <param name="Copied">Objects this backup copied.</param>
/// <param name="Reused">Objects already in the target from an earlier backup (not copied again).</param>
internal sealed record BackupManifest(
    int Format, string Id, DateTimeOffset SnapshotAt, DateTimeOffset CompletedAt, string GatewayVersion, string DatabaseProvider, string? Previous,
    BackupDatabaseEntry Database, IReadOnlyList<BackupObject> Objects, IReadOnlyDictionary<string, long> Tables, int Copied, int Reused)
{
    public const int CurrentFormat = 1;

    /// <summary>Where manifests live in the target.</summary>
    public const string Prefix = "manifests/";

    public static string NameOf(string id) => Prefix + id + ".json";
}
