using Tokengate.Configuration;

namespace Tokengate.Batches;

/// <summary>Checks <see cref="BatchesOptions"/> on start (part of the gateway options' validation), naming each bad field.</summary>
internal static class BatchesOptionsValidation
{
    public static void Validate(GatewayOptions options, List<string> errors)
    {
        const string P = "Tokengate:Batches";
        var batches = options.Batches;
        if (!Enum.IsDefined(batches.DefaultMode)) errors.Add($"{P}:DefaultMode: must be Gateway or Azure (was {batches.DefaultMode}).");
        foreach (var (pool, mode) in batches.Pools)
        {
            if (!options.Pools.ContainsKey(pool)) errors.Add($"{P}:Pools:{pool}: no pool of that name is configured.");
            if (!Enum.IsDefined(mode)) errors.Add($"{P}:Pools:{pool}: must be Gateway or Azure (was {mode}).");
        }
        if (string.IsNullOrWhiteSpace(batches.ModeHeader)) errors.Add($"{P}:ModeHeader: must not be empty.");
        if (batches.UtilizationThresholdPercent is <= 0 or > 100)
            errors.Add($"{P}:UtilizationThresholdPercent: must be above 0 and at most 100 (was {batches.UtilizationThresholdPercent}).");
        if (batches.PayAsYouGoBefore < TimeSpan.Zero) errors.Add($"{P}:PayAsYouGoBefore: must not be negative.");
        if (batches.MaxLinesPerSecond is < 1 or > 100_000) errors.Add($"{P}:MaxLinesPerSecond: must be 1 to 100000 (was {batches.MaxLinesPerSecond}).");
        if (batches.Concurrency is < 1 or > 1024) errors.Add($"{P}:Concurrency: must be 1 to 1024 (was {batches.Concurrency}).");
        if (batches.LeaseDuration < TimeSpan.FromSeconds(1)) errors.Add($"{P}:LeaseDuration: must be at least one second.");
        else if (batches.LeaseDuration <= options.Forwarding.Deadline)
            errors.Add($"{P}:LeaseDuration: must be longer than Tokengate:Forwarding:Deadline ({options.Forwarding.Deadline}), so a line is never run by two instances at once.");
        if (batches.PollInterval <= TimeSpan.Zero) errors.Add($"{P}:PollInterval: must be positive.");
        if (batches.MaxLineAttempts < 1) errors.Add($"{P}:MaxLineAttempts: must be at least 1.");
        if (batches.EstimatedOutputTokensPerLine < 0) errors.Add($"{P}:EstimatedOutputTokensPerLine: must not be negative.");
        if (batches.PriceMultiplier < 0) errors.Add($"{P}:PriceMultiplier: must not be negative.");
        if (batches.AzurePollInterval < TimeSpan.FromSeconds(1)) errors.Add($"{P}:AzurePollInterval: must be at least one second.");
        foreach (var window in batches.EffectiveCompletionWindows)
        {
            if (BatchWindows.Parse(window) is null) errors.Add($"{P}:CompletionWindows: '{window}' is not a window such as '24h'.");
        }
    }
}
