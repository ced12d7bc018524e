namespace Tokengate.Identity;

/// <summary>How the gateway keeps its view of stored consumers and keys, and the local operator credential.</summary>
public sealed class KeyStoreOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate:KeyStore";

    /// <summary>
    /// How often the in-memory key lookup is re-read from the database, so that changes made by another instance
    /// or process are seen. Changes made through this instance apply at once. Default 5 seconds; 1 second to 1 hour.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long keys stored in the database keep working from this instance's memory while the database cannot be
    /// read. Past it, stored keys are refused (401) until a re-read succeeds; keys from configuration and the local
    /// operator credential keep working. It bounds how long a key revoked while the database was away (or by someone
    /// this instance could not hear from) can still be used here. Default 1 hour; at least
    /// <see cref="RefreshInterval"/>, at most 7 days.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Write <c>gateway.json</c> (the admin URL) and <c>operator.key</c> (a random operator key, mode 0600, valid only
    /// while this process runs) into the data folder, so that <c>tokengate keys ...</c> run next to it can manage the
    /// running gateway. Both files are removed on shutdown. Default <c>true</c>.
    /// </summary>
    public bool LocalOperatorAccess { get; set; } = true;
}
