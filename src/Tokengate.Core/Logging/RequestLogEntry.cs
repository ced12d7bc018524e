using Tokengate.Operations;

namespace Tokengate.Logging;

/// <summary>
/// One finished request as queued for the log writer. The text fields are set only under
/// <see cref="RequestLogPolicy.Full"/>, and are redacted by the writer before anything is stored. <c>Screening</c> holds
/// the screening verdicts (detector, attack, score, time), never the screened text.
/// </summary>
internal sealed record RequestLogEntry(
    DateTimeOffset At,
    RequestLogPolicy Policy,
    string Consumer,
    string? Group,
    string Pool,
    string? Backend,
    OperationDescriptor Operation,
    int Status,
    bool Stream,
    double LatencyMs,
    int Attempts,
    long PromptTokens,
    long CompletionTokens,
    byte[]? RequestBody = null,
    byte[]? ResponseBody = null,
    string? StreamedText = null,
    Screening.ScreeningResult? Screening = null)
{
    /// <summary>The request's id, the same as its ledger record's (<c>record_id</c>), written as <c>requestId</c>.</summary>
    public Guid RequestId { get; init; }
}
