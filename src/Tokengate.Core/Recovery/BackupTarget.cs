namespace Tokengate.Recovery;

/// <summary>
/// Where backups go: a folder (any path), or an Azure Blob Storage container written <c>azureblob://CONTAINER</c>,
/// whose connection string is read from the environment variable <see cref="ConnectionStringVariable"/>. Either way
/// the target is a second <see cref="Files.IBlobStore"/> of the kind the gateway itself uses.
/// </summary>
internal sealed record BackupTarget(string? Folder, string? Container)
{
    public const string Scheme = "azureblob://";

    /// <summary>The environment variable holding the target container's storage connection string.</summary>
    public const string ConnectionStringVariable = "TOKENGATE_BACKUP_BLOB_CONNECTION";

    public static BackupTarget Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            var container = text[Scheme.Length..].TrimEnd('/');
            if (container.Length == 0 || container.Contains('/', StringComparison.Ordinal))
                throw new RecoveryException($"'{text}': write an Azure Blob target as {Scheme}CONTAINER (the connection string comes from {ConnectionStringVariable}).");
            return new BackupTarget(null, container);
        }
        return new BackupTarget(Path.GetFullPath(text), null);
    }

    public override string ToString() => Folder ?? Scheme + Container;
}
