namespace Tokengate.IntegrationTests.Realtime;

/// <summary>One realtime row of the usage ledger, as the tests read it.</summary>
internal sealed record LedgerRow(
    string Consumer, string? Backend, string? Model, long Prompt, long Cached, long Completion, long AudioIn, long AudioOut, long ImageIn,
    long CostNanoUsd, int Status, bool Stream, string Source)
{
    /// <summary>Audio billed by duration, in milliseconds.</summary>
    public long AudioMs { get; init; }
}
