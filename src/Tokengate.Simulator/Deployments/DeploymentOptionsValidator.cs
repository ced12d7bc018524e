namespace Tokengate.Simulator.Deployments;

/// <summary>Checks deployment settings at start and on every runtime update, so a bad PATCH is refused whole.</summary>
internal static class DeploymentOptionsValidator
{
    public static string? Validate(SimulatedDeploymentOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Model))
        {
            return "Model must be set.";
        }

        if (o.TokensPerMinute < 1 || o.RequestsPerMinutePer1000Tpm < 1)
        {
            return "TokensPerMinute and RequestsPerMinutePer1000Tpm must be at least 1.";
        }

        if (o.RequestsPerMinute < 1)
        {
            return "RequestsPerMinute must be at least 1 when set.";
        }

        if (o.ProvisionedThroughputUnits < 1 || o.TokensPerPtuPerMinute < 1 || o.OutputTokenWeight < 0)
        {
            return "ProvisionedThroughputUnits and TokensPerPtuPerMinute must be at least 1, OutputTokenWeight not negative.";
        }

        if (!Enum.IsDefined(o.Type))
        {
            return "Type must be Standard, Provisioned, GlobalBatch or DataZoneBatch.";
        }

        if (o.EnqueuedTokenQuota < 1)
        {
            return "EnqueuedTokenQuota must be at least 1.";
        }

        if (o.ServiceTier is not ("default" or "priority"))
        {
            return "ServiceTier must be 'default' or 'priority'.";
        }

        if (o.ContextWindow < 1)
        {
            return "ContextWindow must be at least 1.";
        }

        if (o.Latency is null || o.Latency.TimeToFirstTokenMs < 0 || o.Latency.PerTokenMs < 0 || o.Latency.BackgroundQueueMs < 0 || o.Latency.JitterRatio is < 0 or > 1)
        {
            return "Latency values must not be negative and JitterRatio must be within 0..1.";
        }

        return o.Faults is null ? "Faults must be set." : ValidateFaults(o.Faults);
    }

    private static string? ValidateFaults(SimulatedFaultOptions f)
    {
        foreach (var (status, rate) in f.ErrorRates ?? [])
        {
            if (status is < 400 or > 599 || rate is < 0 or > 1)
            {
                return "ErrorRates keys must be status codes 400..599 and values probabilities within 0..1.";
            }
        }

        foreach (var (text, status) in f.ErrorsOnContent ?? [])
        {
            if (string.IsNullOrEmpty(text) || status is < 400 or > 599)
            {
                return "ErrorsOnContent keys must be non-empty texts and values status codes 400..599.";
            }
        }

        if (f.FailNextStatusCode is < 400 or > 599)
        {
            return "FailNextStatusCode must be within 400..599.";
        }

        if (f.ConnectionResetRate is < 0 or > 1 || f.MidStreamCutRate is < 0 or > 1)
        {
            return "ConnectionResetRate and MidStreamCutRate must be within 0..1.";
        }

        if (f.FailNextCount < 0 || f.ResetNextCount < 0 || f.MidStreamCutNextCount < 0 || f.MidStreamCutAfterChunks < 0
            || f.SlowHeadersMs < 0 || f.ThrottleForMs < 0 || f.FailNextRetryAfterMs < 0 || f.ThrottleRetryAfterMs < 0
            || f.ForceUtilizationPercent < 0)
        {
            return "Fault counts, delays and percentages must not be negative.";
        }

        return null;
    }
}
