using System.Globalization;
using Tokengate.Accounting;
using Tokengate.Configuration;

namespace Tokengate.Advice;

/// <summary>
/// Right model for the task, as arithmetic on sizes: each consumer's tokens on a deployment priced at the next cheaper
/// model of the family, and whether that model already serves requests of about the same size elsewhere. The ledger
/// holds sizes only (no tool calls, no structured output, no answers), so quality is never judged.
/// </summary>
internal static class ModelChoice
{
    public const string Caveat = "Right model: quality is not measured: try the cheaper model on a sample before switching. The shape compared is sizes only (mean prompt and completion tokens); tool use and structured output are not in the ledger.";

    public static List<ModelAdvice> Analyze(IReadOnlyList<UsageShape> shapes, long periodMinutes, AdviceOptions options, AccountingOptions accounting)
    {
        // Each deployment's shape over all consumers, to find the cheaper model already at work elsewhere.
        var deployments = shapes.GroupBy(s => (s.Deployment, Base: Family(s.Model, options)))
            .Select(g => (g.Key.Deployment, g.Key.Base, Requests: g.Sum(s => s.Requests), Prompt: g.Sum(s => s.PromptTokens), Completion: g.Sum(s => s.CompletionTokens)))
            .Where(d => d.Requests > 0 && d.Base is not null)
            .ToList();
        var result = new List<ModelAdvice>();
        foreach (var s in shapes.Where(s => s.Requests > 0).OrderBy(s => s.Consumer, StringComparer.Ordinal).ThenBy(s => s.Deployment, StringComparer.Ordinal).ThenBy(s => s.Model, StringComparer.Ordinal))
        {
            var family = Family(s.Model, options);
            if (family is null || !options.CheaperModels.TryGetValue(family, out var cheaper)) continue;
            var price = PriceTable.For(cheaper, accounting);
            if (price.Input == 0 && price.Output == 0) continue;
            var monthly = PtuSizing.Monthly(s.CostUsd, periodMinutes);
            var cheaperMonthly = PtuSizing.Monthly(price.Cost(s.PromptTokens, s.CachedTokens, s.CompletionTokens), periodMinutes);
            var saving = monthly - cheaperMonthly;
            if (saving <= options.MinimumModelSavingUsd) continue;
            var similar = deployments
                .Where(d => !string.Equals(d.Deployment, s.Deployment, StringComparison.Ordinal) && string.Equals(d.Base, cheaper, StringComparison.OrdinalIgnoreCase)
                    && Near((double)d.Prompt / d.Requests, s.MeanPrompt, options.SimilarShapePercent) && Near((double)d.Completion / d.Requests, s.MeanCompletion, options.SimilarShapePercent))
                .OrderByDescending(d => d.Requests).ThenBy(d => d.Deployment, StringComparer.Ordinal)
                .Select(d => d.Deployment).FirstOrDefault();
            var advice = string.Create(CultureInfo.InvariantCulture,
                $"the same tokens on {cheaper} would cost ${cheaperMonthly:N2}/month instead of ${monthly:N2} (save ${saving:N2}).");
            advice += similar is not null
                ? $" Evidence: deployment {similar} already serves requests of similar size on {cheaper}."
                : $" No deployment serves requests of similar size on {cheaper} yet.";
            advice += " Quality is not measured: try the cheaper model on a sample before switching.";
            result.Add(new ModelAdvice(s.Consumer, s.Deployment, s.Model, s.Requests, Math.Round(s.MeanPrompt, 1), Math.Round(s.MeanCompletion, 1),
                monthly, cheaper, cheaperMonthly, saving, similar, advice));
        }
        return result;
    }

    /// <summary>The longest family name (key or value of the map) that begins <paramref name="model"/>, or null.</summary>
    internal static string? Family(string model, AdviceOptions options)
    {
        string? best = null;
        foreach (var name in options.CheaperModels.Keys.Concat(options.CheaperModels.Values))
        {
            if (model.StartsWith(name, StringComparison.OrdinalIgnoreCase) && (best is null || name.Length > best.Length)) best = name;
        }
        return best;
    }

    private static bool Near(double other, double mine, double percent) => Math.Abs(other - mine) <= mine * percent / 100;
}
