using Tokengate.OpenAI;
using Tokengate.Proxy;

namespace Tokengate.Telemetry;

/// <summary>
/// Attribute names and their bounded values. Values are string literals so recording a measurement allocates
/// nothing; names follow the OpenTelemetry GenAI semantic conventions where they exist.
/// </summary>
internal static class TelemetryTags
{
    public const string Operation = "gen_ai.operation.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string Provider = "gen_ai.provider.name";
    public const string TokenType = "gen_ai.token.type";
    public const string ErrorType = "error.type";
    public const string Backend = "tokengate.backend";
    public const string Pool = "tokengate.pool";
    public const string PoolFrom = "tokengate.pool.from";
    public const string PoolTo = "tokengate.pool.to";
    public const string Consumer = "tokengate.consumer";
    public const string Group = "tokengate.consumer.group";
    public const string Outcome = "tokengate.outcome";
    public const string StatusClass = "tokengate.status_class";
    public const string LimitKind = "tokengate.limit.kind";
    public const string Budget = "tokengate.budget";
    public const string Modality = "tokengate.modality";
    public const string Priority = "tokengate.priority";
    public const string ServiceTierRequested = "tokengate.service_tier.requested";
    public const string ServiceTierServed = "tokengate.service_tier.served";

    /// <summary>The tier tag of a request that named none (the deployment's own tier), or whose answer named none.</summary>
    public const string NoServiceTier = "none";
    public const string MediaUnit = "tokengate.media.unit";
    public const string WaitOutcome = "tokengate.wait.outcome";
    public const string AuditAction = "tokengate.audit.action";

    public const string AzureProvider = "azure.ai.openai";
    public const string Input = "input";
    public const string Output = "output";
    public const string NoGroup = "";

    /// <summary>The operation tag of a record that does not say (a record replayed from the ledger spool).</summary>
    public const string UnknownOperation = "unknown";

    public static string WaitOutcomeName(Tokengate.Priority.WaitOutcome outcome) => outcome switch
    {
        Tokengate.Priority.WaitOutcome.Served => "served",
        Tokengate.Priority.WaitOutcome.Abandoned => "abandoned",
        _ => "timed_out",
    };

    public static string OutcomeName(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Answered => "answered",
        AttemptOutcome.Throttled => "throttled",
        AttemptOutcome.TimedOut => "timed_out",
        AttemptOutcome.ConnectionFailed => "connection_failed",
        AttemptOutcome.Failed => "failed",
        AttemptOutcome.ServerError => "server_error",
        AttemptOutcome.RequestFailed => "request_failed",
        _ => "none",
    };

    /// <summary>429 is its own class: throttling is what operators watch most.</summary>
    public static string StatusClassOf(int status) => status switch
    {
        429 => "429",
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };
}
