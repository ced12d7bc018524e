namespace Tokengate.Audit;

/// <summary>An audit log in memory that a background writer may append to while a test reads it; can be told to fail.</summary>
internal sealed class ListAuditLog : IAuditLog
{
    private readonly List<AuditRecord> _records = [];

    public bool Fail { get; set; }

    public ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        if (Fail) throw new InvalidOperationException("The test database refuses writes.");
        lock (_records) _records.Add(record);
        return ValueTask.CompletedTask;
    }

    public Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => Task.FromResult(Snapshot());

    public IReadOnlyList<AuditRecord> Snapshot()
    {
        lock (_records) return [.. _records];
    }
}
