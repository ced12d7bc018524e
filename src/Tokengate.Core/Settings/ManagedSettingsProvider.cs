using Microsoft.Extensions.Configuration;

namespace Tokengate.Settings;

/// <summary>Holds the managed settings as configuration; <see cref="Replace"/> swaps them all and raises one reload.</summary>
internal sealed class ManagedSettingsProvider : ConfigurationProvider
{
    // Readers take Data without a lock (the reference is swapped whole); this only orders writers.
    private readonly Lock _lock = new();

    /// <summary>The version of the settings held now; -1 before the first read.</summary>
    public long Version { get; private set; } = -1;

    /// <summary>Loading is the refresher's job (the database is not open when configuration is built); this keeps what is held.</summary>
    public override void Load()
    {
    }

    /// <summary>The managed keys held now (a copy).</summary>
    public IReadOnlyDictionary<string, string?> Values
    {
        get
        {
            lock (_lock) return new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>Replaces every key with <paramref name="settings"/> and tells configuration (and so every reloadable option) once.</summary>
    public void Replace(StoredSettings settings)
    {
        var data = new Dictionary<string, string?>(settings.Values, StringComparer.OrdinalIgnoreCase);
        lock (_lock)
        {
            Data = data;
            Version = settings.Version;
        }
        OnReload();
    }

    public override string ToString() => "managed settings (admin API)";
}
