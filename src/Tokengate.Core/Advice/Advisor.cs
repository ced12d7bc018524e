using Tokengate.Configuration;

namespace Tokengate.Advice;

/// <summary>
/// Turns the per-minute profile into advice: PAYG versus PTU for each deployment and model, and idle capacity for
/// each provisioned backend the configuration names.
/// </summary>
internal static class Advisor
{
    public const string QualityNote = "Quality is not measured: the advice compares tokens and money only.";

    public const string TruncationNote = "Truncation counts only requests with a recorded output bound (max_output_tokens): requests that named none and got none from the max-tokens policy, and rows written before the column, are not counted.";

    public static AdviceReport Build(IReadOnlyList<LedgerMinute> rows, DateTimeOffset since, DateTimeOffset until, AdviceOptions options, GatewayOptions? gateway,
        IReadOnlyList<UsageShape>? shapes = null)
    {
        var start = Floor(since.UtcDateTime);
        var end = Floor(until.UtcDateTime);
        var periodMinutes = Math.Max(1, (long)(end - start).TotalMinutes);
        var notes = new List<string>
        {
            QualityNote,
            $"Monthly figures are the period's average minute times {PtuSizing.MinutesPerMonth:N0} minutes (730 hours); PTU sizes carry the p{options.Percentile:0.##} minute, minutes without traffic counting as zero.",
            ModelChoice.Caveat,
            TruncationNote,
        };

        var deployments = new List<PtuAdvice>();
        foreach (var group in rows.Where(r => r.Model is not null).GroupBy(r => (r.Deployment, Model: r.Model!)).OrderBy(g => g.Key.Deployment, StringComparer.Ordinal).ThenBy(g => g.Key.Model, StringComparer.Ordinal))
        {
            var ptu = PtuThroughput.For(group.Key.Model, options);
            if (ptu is null)
            {
                notes.Add($"{group.Key.Deployment} ({group.Key.Model}): no PTU throughput known for the model; add it under {AdviceOptions.SectionName}:Models.");
                continue;
            }
            var minutes = Merge(group.Select(r => r.Usage));
            deployments.Add(PtuSizing.Size(group.Key.Deployment, group.Key.Model, minutes, Math.Max(periodMinutes, minutes.Count), ptu, options));
        }

        var provisioned = new List<UnderUseAdvice>();
        foreach (var backend in (gateway?.Pools.Values ?? Enumerable.Empty<PoolOptions>()).SelectMany(p => p.Backends).Where(b => b.Type == BackendType.Provisioned)
            .DistinctBy(b => b.Name, StringComparer.OrdinalIgnoreCase).OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            var mine = rows.Where(r => string.Equals(r.Backend, backend.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            var model = backend.Model ?? mine.GroupBy(r => r.Model).MaxBy(g => g.Sum(r => r.Usage.PromptTokens + r.Usage.CompletionTokens))?.Key;
            var ptu = PtuThroughput.For(model, options);
            if (ptu is null)
            {
                notes.Add($"Provisioned backend {backend.Name}: model unknown or without PTU throughput; give its Model and {AdviceOptions.SectionName}:Models.");
                continue;
            }
            int ptus;
            if (options.ProvisionedUnits.TryGetValue(backend.Name, out var units)) ptus = units;
            else if (backend.ProvisionedTokensPerMinute is { } tpm && tpm > 0) ptus = (int)Math.Max(1, tpm / ptu.TokensPerMinutePerPtu);
            else
            {
                notes.Add($"Provisioned backend {backend.Name}: PTUs unknown; set {AdviceOptions.SectionName}:ProvisionedUnits:{backend.Name} or its ProvisionedTokensPerMinute.");
                continue;
            }
            provisioned.Add(PtuUnderUse.Analyze(backend.Name, model!, Merge(mine.Select(r => r.Usage)), start, end, ptus, ptu, options));
        }
        var accounting = gateway?.Accounting ?? new AccountingOptions();
        var models = ModelChoice.Analyze(shapes ?? [], periodMinutes, options, accounting);
        var caching = PromptCaching.Analyze(shapes ?? [], periodMinutes, options, accounting);
        var truncation = Truncation.Analyze(shapes ?? [], options);
        return new AdviceReport(since, until, periodMinutes, deployments, provisioned, models, caching, truncation, notes);
    }

    private static DateTime Floor(DateTime at) => new(at.Ticks - at.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);

    /// <summary>One usage per minute, summing the backends and models that shared it.</summary>
    private static List<MinuteUsage> Merge(IEnumerable<MinuteUsage> usages) =>
        usages.GroupBy(u => u.Minute)
            .Select(g => new MinuteUsage(g.Key, g.Sum(u => u.PromptTokens), g.Sum(u => u.CachedTokens), g.Sum(u => u.CompletionTokens), g.Sum(u => u.CostUsd)))
            .OrderBy(u => u.Minute)
            .ToList();
}
