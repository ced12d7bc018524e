namespace Tokengate.Simulator;

/// <summary>Counters of the simulated Content Safety resource since start or the last reset, and its armed faults.</summary>
public sealed record SimulatedContentSafetyStats
{
    /// <summary>Calls that reached <c>text:shieldPrompt</c>, whatever their answer.</summary>
    public long RequestsReceived { get; init; }

    /// <summary>Calls answered 200 with a verdict: the calls a client paid for.</summary>
    public long Succeeded { get; init; }

    /// <summary>Calls answered 401 (no or wrong key).</summary>
    public long Unauthorized { get; init; }

    /// <summary>Calls answered 400 or 404 (bad body, over the input limits, unknown api-version).</summary>
    public long Rejected { get; init; }

    /// <summary>Calls answered 429 by the rate limit.</summary>
    public long Throttled { get; init; }

    /// <summary>Calls answered with an injected failure or aborted by an injected reset.</summary>
    public long Failed { get; init; }

    /// <summary>User prompts analysed in answered calls.</summary>
    public long UserPromptsAnalyzed { get; init; }

    /// <summary>Documents analysed in answered calls.</summary>
    public long DocumentsAnalyzed { get; init; }

    /// <summary>User prompts and documents answered <c>attackDetected: true</c>.</summary>
    public long AttacksDetected { get; init; }

    /// <summary>Requests counted in the current 10-second window.</summary>
    public long RequestsInWindow { get; init; }

    /// <summary>Injected failures still armed.</summary>
    public int PendingFailures { get; init; }

    /// <summary>Injected connection resets still armed.</summary>
    public int PendingResets { get; init; }

    /// <summary>The settings in force (commands shown as zero once armed).</summary>
    public SimulatedContentSafetyOptions Options { get; init; } = new();
}
