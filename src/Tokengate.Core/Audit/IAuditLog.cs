namespace Tokengate.Audit;

/// <summary>
/// The append-only audit log of admin actions, elevations, key events and authorization failures. There is no
/// update or delete: not in this interface, not in the admin API, and the stored table refuses them.
/// </summary>
public interface IAuditLog
{
    /// <summary>Stores the record durably before returning.</summary>
    ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>Stores the records durably before returning; a store may write them in one transaction.</summary>
    async ValueTask AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records) await AppendAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records matching the query, newest first.</summary>
    Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}
