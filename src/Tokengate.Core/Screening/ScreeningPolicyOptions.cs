namespace Tokengate.Screening;

/// <summary>One screening policy: whether and how requests are screened, by which detectors, and what a failure means.</summary>
public sealed class ScreeningPolicyOptions
{
    /// <summary>The default of <see cref="Timeout"/>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <c>Off</c> (nothing is read or screened), <c>Monitor</c> (screened, recorded, forwarded), <c>Annotate</c> (as
    /// Monitor, and the response carries the <c>x-tokengate-screening</c> header) or <c>Block</c> (an attack is answered
    /// as Azure's prompt filter answers, 400 <c>content_filter</c>, and never forwarded). Default <c>Off</c>.
    /// </summary>
    public ScreeningMode Mode { get; set; } = ScreeningMode.Off;

    /// <summary>
    /// The detectors that screen, by name: <c>rules</c>, <c>builtin</c>, <c>onnx</c>, <c>promptshields</c>. Default
    /// (not set): <c>rules</c> and <c>builtin</c>, those of them the gateway has. A detector named here that the gateway
    /// does not have (not configured) counts as one that did not answer.
    /// </summary>
    public List<string>? Detectors { get; set; }

    /// <summary>
    /// How the detectors' verdicts make one: <c>Any</c> (an attack when any detector says so), <c>All</c> (only when
    /// every detector that answered says so) or <c>First</c> (the first detector to answer decides). Default <c>Any</c>.
    /// </summary>
    public ScreeningCombine Combine { get; set; } = ScreeningCombine.Any;

    /// <summary>Also screen the earlier user turns of a conversation, not only the newest. Default false.</summary>
    public bool ScreenHistory { get; set; }

    /// <summary>
    /// Screen untrusted content for indirect attacks: tool and function results (<c>tool</c> messages,
    /// <c>function_call_output</c>, MCP call outputs). Default true.
    /// </summary>
    public bool ScreenUntrusted { get; set; } = true;

    /// <summary>
    /// What a detector that did not answer (down, too slow, not configured) means in mode <c>Block</c>: <c>Open</c> (it
    /// is left out and counted; the others decide) or <c>Closed</c> (when the verdict cannot be established without
    /// it, the request is refused with 503 <c>ScreeningUnavailable</c>). Default <c>Open</c>.
    /// </summary>
    public DetectorFailureMode OnDetectorFailure { get; set; } = DetectorFailureMode.Open;

    /// <summary>The deadline for all detectors of one request, together; between 10 ms and 1 minute. Default 2 s.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;
}
