namespace Tokengate.Simulator;

/// <summary>Live counters and limiter state of one simulated deployment.</summary>
public sealed record SimulatedDeploymentStats
{
    /// <summary>Deployment name.</summary>
    public required string Deployment { get; init; }

    /// <summary>Requests that reached this deployment (authenticated and routed).</summary>
    public long RequestsReceived { get; init; }

    /// <summary>Requests answered 2xx and completed (streams included only when they finished).</summary>
    public long Succeeded { get; init; }

    /// <summary>Requests answered 429, by the limiter or by injection.</summary>
    public long Throttled { get; init; }

    /// <summary>Requests that failed otherwise: 4xx/5xx answers, aborted connections, cut streams.</summary>
    public long Failed { get; init; }

    /// <summary>Prompt tokens of succeeded requests.</summary>
    public long PromptTokens { get; init; }

    /// <summary>Completion tokens of succeeded requests.</summary>
    public long CompletionTokens { get; init; }

    /// <summary>Provisioned: current utilization in percent. Standard: tokens used in the window as a percentage of TPM.</summary>
    public double UtilizationPercent { get; init; }

    /// <summary>Standard: requests left in the current 10 s window; null for Provisioned.</summary>
    public int? RemainingRequests { get; init; }

    /// <summary>Standard: tokens left in the current 60 s window; null for Provisioned.</summary>
    public int? RemainingTokens { get; init; }

    /// <summary>Injected failures still armed by <see cref="SimulatedFaultOptions.FailNextCount"/>.</summary>
    public int PendingFailures { get; init; }

    /// <summary>Connection resets still armed by <see cref="SimulatedFaultOptions.ResetNextCount"/>.</summary>
    public int PendingResets { get; init; }

    /// <summary>Stream cuts still armed by <see cref="SimulatedFaultOptions.MidStreamCutNextCount"/>.</summary>
    public int PendingStreamCuts { get; init; }

    /// <summary>Standard: end of a forced throttling period, if one is active.</summary>
    public DateTimeOffset? ThrottledUntil { get; init; }
}
