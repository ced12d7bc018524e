using Tokengate.Accounting;
using Tokengate.Tokens;

namespace Tokengate.Limits;

/// <summary>What step 6 decided for a request and what step 8 must settle.</summary>
internal sealed class AdmissionState(ModelProfile profile, PromptEstimate prompt, int maxOutputTokens, int choices)
{
    public ModelProfile Profile { get; } = profile;

    /// <summary>The prompt as counted or estimated at admission.</summary>
    public PromptEstimate Prompt { get; set; } = prompt;

    /// <summary>The output bound per choice the request runs with (after the max-tokens policy).</summary>
    public int MaxOutputTokens { get; } = maxOutputTokens;

    public int Choices { get; } = choices;

    /// <summary>
    /// The output bound holds upstream: the request named one (or was clamped to the policy cap), or the gateway inserted
    /// the policy's. False for operations that generate no text and for a bound the gateway only assumed for its estimate.
    /// </summary>
    public bool OutputBounded { get; init; }

    /// <summary>The ledger's <c>max_output_tokens</c>: every choice's bound together, null when <see cref="OutputBounded"/> is false.</summary>
    public long? LedgerMaxOutputTokens => OutputBounded ? (long)MaxOutputTokens * Choices : null;

    /// <summary>
    /// Input the service bills that the request does not carry as text: the stored chain a Responses request
    /// continues (<c>previous_response_id</c>), as recorded when that response settled, and the audio tokens of an upload.
    /// </summary>
    public long ContinuedTokens { get; init; }

    /// <summary>Prompt, continued chain and every choice's output bound: what the limits reserve.</summary>
    public long EstimatedTokens => Prompt.Tokens + ContinuedTokens + ((long)MaxOutputTokens * Choices);

    public LimitReservation? Reservation { get; set; }

    /// <summary>The gateway asked upstream for stream usage the consumer did not ask for: the usage chunk is held back.</summary>
    public bool StripUsageChunk { get; set; }

    public BudgetAdmission Budget { get; set; } = BudgetAdmission.None;

    /// <summary>The consumer's TPM left after this request's reservation, when it has a TPM limit.</summary>
    public long? RemainingTokens { get; set; }

    /// <summary>The consumer's RPM left after this request, when it has an RPM limit.</summary>
    public long? RemainingRequests { get; set; }
}
