using Microsoft.Extensions.Options;

namespace Tokengate.Advice;

/// <summary>Checks <see cref="AdviceOptions"/>, naming each bad field by its configuration path.</summary>
internal sealed class AdviceOptionsValidator : IValidateOptions<AdviceOptions>
{
    public ValidateOptionsResult Validate(string? name, AdviceOptions o)
    {
        const string P = AdviceOptions.SectionName;
        var errors = new List<string>();
        if (o.Percentile is < 50 or > 100 || double.IsNaN(o.Percentile)) errors.Add($"{P}:Percentile: must be 50 to 100 (was {o.Percentile}).");
        if (o.PtuHourlyUsd < 0 || o.PtuMonthlyReservationUsd < 0 || o.PtuYearlyReservationUsd < 0) errors.Add($"{P}: PTU prices must not be negative.");
        if (o.MinimumSavingPercent is < 0 or > 100 || double.IsNaN(o.MinimumSavingPercent)) errors.Add($"{P}:MinimumSavingPercent: must be 0 to 100 (was {o.MinimumSavingPercent}).");
        if (o.IdleHourPercent is < 0 or > 100 || double.IsNaN(o.IdleHourPercent)) errors.Add($"{P}:IdleHourPercent: must be 0 to 100 (was {o.IdleHourPercent}).");
        if (!Enum.IsDefined(o.ProvisionedBilling)) errors.Add($"{P}:ProvisionedBilling: Hourly, MonthlyReservation or YearlyReservation.");
        foreach (var (model, cheaper) in o.CheaperModels)
        {
            if (string.IsNullOrWhiteSpace(cheaper) || string.Equals(model, cheaper, StringComparison.OrdinalIgnoreCase)) errors.Add($"{P}:CheaperModels:{model}: must name another model (was '{cheaper}').");
        }
        if (o.MinimumModelSavingUsd < 0) errors.Add($"{P}:MinimumModelSavingUsd: must not be negative (was {o.MinimumModelSavingUsd}).");
        if (o.SimilarShapePercent is < 0 or > 1000 || double.IsNaN(o.SimilarShapePercent)) errors.Add($"{P}:SimilarShapePercent: must be 0 to 1000 (was {o.SimilarShapePercent}).");
        if (o.CachingMinimumRequests < 1) errors.Add($"{P}:CachingMinimumRequests: must be at least 1 (was {o.CachingMinimumRequests}).");
        if (o.CachingMinimumPromptTokens < 0) errors.Add($"{P}:CachingMinimumPromptTokens: must not be negative (was {o.CachingMinimumPromptTokens}).");
        if (o.CachingLowHitRatePercent is < 0 or > 100 || double.IsNaN(o.CachingLowHitRatePercent)) errors.Add($"{P}:CachingLowHitRatePercent: must be 0 to 100 (was {o.CachingLowHitRatePercent}).");
        if (o.TruncationPercent is < 0 or > 100 || double.IsNaN(o.TruncationPercent)) errors.Add($"{P}:TruncationPercent: must be 0 to 100 (was {o.TruncationPercent}).");
        foreach (var (model, m) in o.Models)
        {
            var at = $"{P}:Models:{model}";
            if (m.TokensPerMinutePerPtu <= 0) errors.Add($"{at}:TokensPerMinutePerPtu: must be above 0 (was {m.TokensPerMinutePerPtu}).");
            if (m.OutputTokenWeight <= 0 || double.IsNaN(m.OutputTokenWeight)) errors.Add($"{at}:OutputTokenWeight: must be above 0 (was {m.OutputTokenWeight}).");
            if (m.CachedTokenWeight is < 0 or > 1 || double.IsNaN(m.CachedTokenWeight)) errors.Add($"{at}:CachedTokenWeight: must be 0 to 1 (was {m.CachedTokenWeight}).");
            if (m.MinimumPtus < 1) errors.Add($"{at}:MinimumPtus: must be at least 1 (was {m.MinimumPtus}).");
            if (m.PtuIncrement < 1) errors.Add($"{at}:PtuIncrement: must be at least 1 (was {m.PtuIncrement}).");
        }
        foreach (var (backend, units) in o.ProvisionedUnits)
        {
            if (units < 1) errors.Add($"{P}:ProvisionedUnits:{backend}: must be at least 1 (was {units}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
