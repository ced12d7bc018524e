using System.Text;
using System.Text.Json;

namespace Tokengate.Assessment;

/// <summary>Writes a report as a terminal table, Markdown, or JSON (for CI pipelines).</summary>
internal static class AssessmentReportWriter
{
    public static string Write(AssessmentReport report, string format) => format switch
    {
        "json" => Json(report),
        "markdown" => Markdown(report),
        _ => Table(report),
    };

    public static string StatusName(AssessmentStatus status) => status switch
    {
        AssessmentStatus.Pass => "pass",
        AssessmentStatus.Warn => "warn",
        AssessmentStatus.Fail => "fail",
        _ => "n/a",
    };

    public static string PillarName(AssessmentPillar pillar) => pillar switch
    {
        AssessmentPillar.CostOptimization => "Cost Optimization",
        AssessmentPillar.OperationalExcellence => "Operational Excellence",
        AssessmentPillar.PerformanceEfficiency => "Performance Efficiency",
        _ => pillar.ToString(),
    };

    private static string Summary(AssessmentReport report) =>
        $"{report.Items.Count} items: {report.Count(AssessmentStatus.Pass)} pass, {report.Count(AssessmentStatus.Warn)} warn, {report.Count(AssessmentStatus.Fail)} fail, "
        + $"{report.Count(AssessmentStatus.NotApplicable)} not applicable, {report.NotCheckedCount} not checked";

    private static string Table(AssessmentReport report)
    {
        var b = new StringBuilder();
        b.AppendLine($"Tokengate assessment of {report.Source} against the Azure Well-Architected guidance for Azure OpenAI");
        foreach (var pillar in report.Items.GroupBy(i => i.Item.Pillar))
        {
            b.AppendLine().AppendLine(PillarName(pillar.Key)).AppendLine(new string('=', PillarName(pillar.Key).Length));
            foreach (var item in pillar)
            {
                var status = item.Checked ? StatusName(item.Status) : "not checked";
                b.AppendLine($"[{status}] {item.Item.Id} {item.Item.Title}");
                if (!item.Checked)
                {
                    b.AppendLine($"    why: {item.Item.NotChecked}");
                    continue;
                }
                foreach (var f in item.Findings)
                {
                    b.AppendLine($"    {StatusName(f.Status),-4} {f.Summary}");
                    b.AppendLine($"         evidence: {f.Evidence}");
                    if (f.Fix is not null) b.AppendLine($"         fix: {f.Fix}");
                }
            }
        }
        b.AppendLine().AppendLine(Summary(report));
        return b.ToString();
    }

    private static string Markdown(AssessmentReport report)
    {
        var b = new StringBuilder();
        b.AppendLine($"# Tokengate assessment: {report.Source}").AppendLine().AppendLine(Summary(report));
        foreach (var pillar in report.Items.GroupBy(i => i.Item.Pillar))
        {
            b.AppendLine().AppendLine($"## {PillarName(pillar.Key)}").AppendLine();
            b.AppendLine("| Item | Status | Finding | Evidence | Fix |").AppendLine("|---|---|---|---|---|");
            foreach (var item in pillar)
            {
                var title = $"{item.Item.Id} {Cell(item.Item.Title)}";
                if (!item.Checked)
                {
                    b.AppendLine($"| {title} | not checked | {Cell(item.Item.NotChecked ?? "")} | | |");
                    continue;
                }
                foreach (var f in item.Findings)
                    b.AppendLine($"| {title} | {StatusName(f.Status)} | {Cell(f.Summary)} | {Cell(f.Evidence)} | {Cell(f.Fix ?? "")} |");
            }
        }
        return b.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Json(AssessmentReport report)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("source", report.Source);
            w.WriteBoolean("failed", report.HasFailures);
            w.WriteStartObject("counts");
            foreach (var s in Enum.GetValues<AssessmentStatus>()) w.WriteNumber(StatusName(s), report.Count(s));
            w.WriteNumber("notChecked", report.NotCheckedCount);
            w.WriteEndObject();
            w.WriteStartArray("items");
            foreach (var item in report.Items)
            {
                w.WriteStartObject();
                w.WriteString("id", item.Item.Id);
                w.WriteString("pillar", PillarName(item.Item.Pillar));
                w.WriteString("kind", item.Item.Kind);
                w.WriteString("title", item.Item.Title);
                w.WriteString("section", item.Item.Section);
                w.WriteString("quote", item.Item.Quote);
                w.WriteString("status", item.Checked ? StatusName(item.Status) : "not checked");
                if (!item.Checked) w.WriteString("notChecked", item.Item.NotChecked);
                w.WriteStartArray("rules");
                foreach (var r in item.Item.Rules) w.WriteStringValue(r);
                w.WriteEndArray();
                w.WriteStartArray("findings");
                foreach (var f in item.Findings)
                {
                    w.WriteStartObject();
                    w.WriteString("status", StatusName(f.Status));
                    w.WriteString("summary", f.Summary);
                    w.WriteString("evidence", f.Evidence);
                    if (f.Fix is not null) w.WriteString("fix", f.Fix);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }
}
