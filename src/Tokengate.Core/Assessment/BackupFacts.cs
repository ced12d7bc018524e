namespace Tokengate.Assessment;

/// <summary>What is known about disaster-recovery backups when the assessment runs.</summary>
/// <param name="Target">The backup target that was read (a folder given with <c>--backup-target</c>), or null when none was given.</param>
/// <param name="LastCompletedAt">When the latest backup in it completed, or null when it holds none.</param>
/// <param name="Now">The time of the assessment.</param>
internal sealed record BackupFacts(string? Target, DateTimeOffset? LastCompletedAt, DateTimeOffset Now)
{
    /// <summary>Nothing known: no target was given.</summary>
    public static BackupFacts Unknown(DateTimeOffset now) => new(null, null, now);

    /// <summary>
    /// Reads the manifests (<c>manifests/*.json</c>, written last by <c>tokengate dr backup</c>) of a folder target;
    /// the latest <c>CompletedAt</c> wins. Unreadable manifests are skipped: a backup without its manifest never happened.
    /// </summary>
    public static BackupFacts FromFolder(string folder, DateTimeOffset now)
    {
        DateTimeOffset? latest = null;
        var manifests = Path.Combine(folder, "manifests");
        if (Directory.Exists(manifests))
        {
            foreach (var file in Directory.EnumerateFiles(manifests, "*.json"))
            {
                try
                {
                    using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(file));
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        if (property.NameEquals("CompletedAt") || property.NameEquals("completedAt"))
                        {
                            var completed = property.Value.GetDateTimeOffset();
                            if (latest is null || completed > latest) latest = completed;
                        }
                    }
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or IOException or InvalidOperationException or FormatException)
                {
                    // Not a manifest this reader understands: as if absent.
                }
            }
        }
        return new BackupFacts(folder, latest, now);
    }
}
