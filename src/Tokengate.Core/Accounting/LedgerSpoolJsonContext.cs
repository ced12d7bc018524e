using System.Text.Json.Serialization;

namespace Tokengate.Accounting;

/// <summary>Source-generated JSON for the ledger spool's lines.</summary>
[JsonSerializable(typeof(UsageRecord))]
internal sealed partial class LedgerSpoolJsonContext : JsonSerializerContext;
