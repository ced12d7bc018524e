using System.Security.Cryptography;
using System.Text;
using Tokengate.Accounting;

namespace Tokengate.Batches;

/// <summary>
/// What a request knows when it is a line of a gateway-run batch: which line, whether it may use pay-as-you-go
/// backends yet, and (set by settling) its ledger record, which the runner writes with the line's result instead of
/// queueing it, so the two commit together.
/// </summary>
internal sealed class BatchLineRun(string batchId, int line, bool provisionedOnly)
{
    public string BatchId { get; } = batchId;

    public int Line { get; } = line;

    /// <summary>True while the batch may use provisioned capacity only (before its pay-as-you-go fallback).</summary>
    public bool ProvisionedOnly { get; } = provisionedOnly;

    /// <summary>The same for every run of the line, so its ledger row is written once however often it is run.</summary>
    public Guid RecordId { get; } = RecordIdFor(batchId, line);

    /// <summary>The line's ledger record, once settled.</summary>
    public UsageRecord? Record { get; set; }

    public static Guid RecordIdFor(string batchId, int line)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{batchId}\n{line}"), hash);
        return new Guid(hash[..16]);
    }
}
