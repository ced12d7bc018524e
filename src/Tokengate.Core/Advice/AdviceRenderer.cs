using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tokengate.Advice;

/// <summary>An <see cref="AdviceReport"/> as JSON, an aligned text table or Markdown.</summary>
internal static class AdviceRenderer
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Render(AdviceReport report, string format) => format switch
    {
        "json" => JsonSerializer.Serialize(report, Json) + Environment.NewLine,
        "markdown" => Markdown(report),
        _ => Table(report),
    };

    private static readonly string[] PtuHeader = ["deployment", "model", "pXX_tokens_min", "ptus", "utilization", "payg_month", "ptu_hourly", "ptu_monthly", "ptu_yearly", "spillover", "break_even", "advice"];
    private static readonly string[] IdleHeader = ["backend", "model", "ptus", "utilization", "idle_tokens", "ptu_month", "idle_month", "idle_hours_utc"];

    private static readonly string[] ModelHeader = ["consumer", "deployment", "model", "requests", "mean_prompt", "mean_completion", "month", "cheaper_model", "cheaper_month", "saving", "similar_on"];
    private static readonly string[] CachingHeader = ["consumer", "deployment", "model", "requests", "mean_prompt", "hit_rate", "at_stake_month", "low"];

    private static readonly string[] TruncationHeader = ["consumer", "deployment", "requests", "bounded", "at_bound", "share"];

    private static string[] TruncationRow(TruncationAdvice t) =>
    [
        t.Consumer, t.Deployment, N(t.Requests), N(t.BoundedRequests), N(t.TruncatedRequests), P(t.Share),
    ];

    private static string[] ModelRow(ModelAdvice m) =>
    [
        m.Consumer, m.Deployment, m.Model, N(m.Requests), N(m.MeanPromptTokens), N(m.MeanCompletionTokens), Usd(m.MonthlyUsd),
        m.CheaperModel, Usd(m.CheaperMonthlyUsd), Usd(m.SavingMonthlyUsd), m.SimilarDeployment ?? "-",
    ];

    private static string[] CachingRow(CachingAdvice c) =>
    [
        c.Consumer, c.Deployment, c.Model, N(c.Requests), N(c.MeanPromptTokens), P(c.HitRate), Usd(c.AtStakeMonthlyUsd), c.Low ? "yes" : "-",
    ];

    private static string[] PtuRow(PtuAdvice a) =>
    [
        a.Deployment, a.Model, N(a.PercentileMinuteTokens), N(a.RequiredPtus), P(a.AverageUtilization), Usd(a.PaygMonthlyUsd),
        Usd(a.Options[0].PtuMonthlyUsd), Usd(a.Options[1].PtuMonthlyUsd), Usd(a.Options[2].PtuMonthlyUsd), Usd(a.Options[0].SpilloverMonthlyUsd),
        a.Options.First(o => o.Billing == a.BestBilling).BreakEvenUtilization is { } b ? P(b) : "-",
        a.Recommendation == PtuRecommendation.Ptu ? $"PTU {a.RequiredPtus} ({PtuSizing.Name(a.BestBilling)})" : "stay PAYG",
    ];

    private static string[] IdleRow(UnderUseAdvice u) =>
    [
        u.Backend, u.Model, N(u.Ptus), P(u.Utilization), N(u.IdleTokens), Usd(u.PtuMonthlyUsd), Usd(u.IdleMonthlyUsd),
        u.IdleHours.Count == 0 ? "-" : string.Join(',', u.IdleHours.Select(h => h.ToString("00", CultureInfo.InvariantCulture))),
    ];

    private static string Table(AdviceReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Advice for {r.Since:yyyy-MM-dd HH:mm} to {r.Until:yyyy-MM-dd HH:mm} UTC ({r.Minutes:N0} minutes); money per month in USD.");
        sb.AppendLine().AppendLine("PAYG vs PTU");
        Aligned(sb, [PtuHeader.Select(h => h.Replace("XX", Pct(r), StringComparison.Ordinal)).ToArray(), .. r.Deployments.Select(PtuRow)]);
        foreach (var a in r.Deployments) sb.AppendLine(CultureInfo.InvariantCulture, $"  {a.Deployment}: {a.Reason}");
        if (r.Provisioned.Count > 0)
        {
            sb.AppendLine().AppendLine("PTU under-use");
            Aligned(sb, [IdleHeader, .. r.Provisioned.Select(IdleRow)]);
            foreach (var u in r.Provisioned) sb.AppendLine(CultureInfo.InvariantCulture, $"  {u.Backend}: {u.Suggestion}");
        }
        sb.AppendLine().AppendLine("Right model for the task (quality is not measured: try the cheaper model on a sample before switching)");
        if (r.Models.Count == 0) sb.AppendLine("  No cheaper model of the same family saves enough.");
        else
        {
            Aligned(sb, [ModelHeader, .. r.Models.Select(ModelRow)], left: 3);
            foreach (var m in r.Models) sb.AppendLine(CultureInfo.InvariantCulture, $"  {m.Consumer} on {m.Deployment}: {m.Advice}");
        }
        sb.AppendLine().AppendLine("Prompt caching");
        if (r.Caching.Count == 0) sb.AppendLine("  No consumer and deployment with enough requests.");
        else
        {
            Aligned(sb, [CachingHeader, .. r.Caching.Select(CachingRow)], left: 3);
            foreach (var c in r.Caching.Where(c => c.Low)) sb.AppendLine(CultureInfo.InvariantCulture, $"  {c.Consumer} on {c.Deployment}: {c.Advice}");
        }
        sb.AppendLine().AppendLine("Truncation (answers that reached their max_tokens)");
        if (r.Truncation.Count == 0) sb.AppendLine("  No consumer and deployment above the threshold.");
        else
        {
            Aligned(sb, [TruncationHeader, .. r.Truncation.Select(TruncationRow)]);
            foreach (var t in r.Truncation) sb.AppendLine(CultureInfo.InvariantCulture, $"  {t.Consumer} on {t.Deployment}: {t.Advice}");
        }
        sb.AppendLine();
        foreach (var note in r.Notes) sb.AppendLine(CultureInfo.InvariantCulture, $"Note: {note}");
        return sb.ToString();
    }

    private static string Markdown(AdviceReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Tokengate advice").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Period: {r.Since:yyyy-MM-dd HH:mm} to {r.Until:yyyy-MM-dd HH:mm} UTC ({r.Minutes:N0} minutes). Money is USD per month.").AppendLine();
        sb.AppendLine("## PAYG vs PTU").AppendLine();
        MarkdownTable(sb, [PtuHeader.Select(h => h.Replace("XX", Pct(r), StringComparison.Ordinal)).ToArray(), .. r.Deployments.Select(PtuRow)]);
        foreach (var a in r.Deployments) sb.AppendLine(CultureInfo.InvariantCulture, $"- **{a.Deployment}** ({a.Model}): {a.Reason}");
        if (r.Provisioned.Count > 0)
        {
            sb.AppendLine().AppendLine("## PTU under-use").AppendLine();
            MarkdownTable(sb, [IdleHeader, .. r.Provisioned.Select(IdleRow)]);
            foreach (var u in r.Provisioned)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- **{u.Backend}**: {u.Suggestion}");
                sb.AppendLine(CultureInfo.InvariantCulture, $"  - by hour (UTC): {string.Join(", ", u.ByHourOfDay.Select(b => $"{b.Bucket} {P(b.Utilization)}"))}");
                sb.AppendLine(CultureInfo.InvariantCulture, $"  - by day: {string.Join(", ", u.ByDayOfWeek.Select(b => $"{b.Bucket} {P(b.Utilization)}"))}");
            }
        }
        sb.AppendLine().AppendLine("## Right model for the task").AppendLine();
        sb.AppendLine("Quality is not measured: try the cheaper model on a sample before switching. The shape compared is sizes only; tool use and structured output are not in the ledger.").AppendLine();
        if (r.Models.Count == 0) sb.AppendLine("No cheaper model of the same family saves enough.");
        else
        {
            MarkdownTable(sb, [ModelHeader, .. r.Models.Select(ModelRow)], left: 3);
            foreach (var m in r.Models) sb.AppendLine(CultureInfo.InvariantCulture, $"- **{m.Consumer}** on **{m.Deployment}** ({m.Model}): {m.Advice}");
        }
        sb.AppendLine().AppendLine("## Prompt caching").AppendLine();
        if (r.Caching.Count == 0) sb.AppendLine("No consumer and deployment with enough requests.");
        else
        {
            MarkdownTable(sb, [CachingHeader, .. r.Caching.Select(CachingRow)], left: 3);
            foreach (var c in r.Caching.Where(c => c.Low)) sb.AppendLine(CultureInfo.InvariantCulture, $"- **{c.Consumer}** on **{c.Deployment}** ({c.Model}): {c.Advice}");
        }
        sb.AppendLine().AppendLine("## Truncation").AppendLine();
        if (r.Truncation.Count == 0) sb.AppendLine("No consumer and deployment above the threshold.");
        else
        {
            MarkdownTable(sb, [TruncationHeader, .. r.Truncation.Select(TruncationRow)]);
            foreach (var t in r.Truncation) sb.AppendLine(CultureInfo.InvariantCulture, $"- **{t.Consumer}** on **{t.Deployment}**: {t.Advice}");
        }
        sb.AppendLine().AppendLine("## Notes").AppendLine();
        foreach (var note in r.Notes) sb.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        return sb.ToString();
    }

    private static void Aligned(StringBuilder sb, List<string[]> lines, int left = 2)
    {
        var widths = lines[0].Select((_, i) => lines.Max(l => l[i].Length)).ToArray();
        foreach (var l in lines) sb.AppendLine(string.Join("  ", l.Select((v, i) => i < left || (left == 3 && lines[0][i] is "cheaper_model" or "similar_on") ? v.PadRight(widths[i]) : v.PadLeft(widths[i]))).TrimEnd());
    }

    private static void MarkdownTable(StringBuilder sb, List<string[]> lines, int left = 2)
    {
        sb.AppendLine("| " + string.Join(" | ", lines[0]) + " |");
        sb.AppendLine("|" + string.Join("|", lines[0].Select((_, i) => i < left ? "---" : "---:")) + "|");
        foreach (var l in lines.Skip(1)) sb.AppendLine("| " + string.Join(" | ", l) + " |");
        sb.AppendLine();
    }

    private static string Pct(AdviceReport r) => r.Deployments.Count > 0 ? r.Deployments[0].Percentile.ToString("0.##", CultureInfo.InvariantCulture) : "95";
    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
    private static string P(double v) => PtuSizing.Percent(v);
    private static string Usd(decimal v) => v.ToString("N2", CultureInfo.InvariantCulture);
}
