using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tokengate.Screening;

namespace Tokengate.Commands;

/// <summary>
/// What <c>tokengate screen eval</c> measures: each detector run over a labelled JSONL file (<c>{"text", "label":
/// "attack"|"benign", "kind": "direct"|"indirect", "hard": true?}</c>), a <c>direct</c> line screened as the user
/// prompt and an <c>indirect</c> one as a document, with counts, precision, recall, F1, false-positive rates and
/// per-text latency.
/// </summary>
internal static class ScreenEvaluation
{
    internal sealed record Sample(string Text, bool Attack, bool Indirect, bool Hard);

    internal sealed record Result(string Detector, string Subset, int Lines, int TruePositives, int FalsePositives, int TrueNegatives,
        int FalseNegatives, int Unanswered, int HardNegatives, int HardFalsePositives, double P50Ms, double P99Ms)
    {
        public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

        public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

        public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

        /// <summary>False positives among the benign lines.</summary>
        public double FalsePositiveRate => Ratio(FalsePositives, FalsePositives + TrueNegatives);

        /// <summary>False positives among the benign lines marked <c>"hard": true</c>; null when there are none.</summary>
        public double? HardFalsePositiveRate => HardNegatives == 0 ? null : Ratio(HardFalsePositives, HardNegatives);

        private static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;
    }

    /// <summary>Reads the file; a line that is not a labelled sample is an error naming its line number.</summary>
    public static IReadOnlyList<Sample> Read(TextReader reader)
    {
        var samples = new List<Sample>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                var text = root.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : throw new FormatException("\"text\" (a string) is missing");
                var label = root.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
                var attack = label switch
                {
                    "attack" => true,
                    "benign" => false,
                    _ => throw new FormatException("\"label\" must be \"attack\" or \"benign\""),
                };
                var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : "direct";
                var indirect = kind switch
                {
                    "direct" => false,
                    "indirect" => true,
                    _ => throw new FormatException("\"kind\" must be \"direct\" or \"indirect\""),
                };
                var hard = root.TryGetProperty("hard", out var h) && h.ValueKind == JsonValueKind.True;
                samples.Add(new Sample(text, attack, indirect, hard));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
            {
                throw new FormatException($"line {number}: {ex.Message}", ex);
            }
        }
        return samples;
    }

    /// <summary>Runs one detector over every sample, one at a time (latency is per text), after one warm-up call.</summary>
    public static async Task<IReadOnlyList<Result>> RunAsync(IPromptDetector detector, IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        // The first call may load a model; that is start-up, not per-text latency.
        await detector.ScreenAsync(new ScreeningInput(["warm-up"], []), cancellationToken).ConfigureAwait(false);
        var outcomes = new (Sample Sample, bool Answered, bool Detected, double Ms)[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            var input = s.Indirect ? new ScreeningInput([], [s.Text]) : new ScreeningInput([s.Text], []);
            var started = Stopwatch.GetTimestamp();
            var verdict = await detector.ScreenAsync(input, cancellationToken).ConfigureAwait(false);
            outcomes[i] = (s, verdict.Answered, verdict.AttackDetected, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return
        [
            Summarize(detector.Name, "all", outcomes),
            Summarize(detector.Name, "direct", [.. outcomes.Where(o => !o.Sample.Indirect)]),
            Summarize(detector.Name, "indirect", [.. outcomes.Where(o => o.Sample.Indirect)]),
        ];
    }

    private static Result Summarize(string detector, string subset, (Sample Sample, bool Answered, bool Detected, double Ms)[] outcomes)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0, unanswered = 0, hard = 0, hardFp = 0;
        foreach (var (sample, answered, detected, _) in outcomes)
        {
            if (!answered) unanswered++;
            if (sample.Attack)
            {
                if (detected) tp++;
                else fn++;
            }
            else
            {
                if (detected) fp++;
                else tn++;
                if (sample.Hard)
                {
                    hard++;
                    if (detected) hardFp++;
                }
            }
        }
        var ms = outcomes.Select(o => o.Ms).Order().ToArray();
        return new Result(detector, subset, outcomes.Length, tp, fp, tn, fn, unanswered, hard, hardFp, Percentile(ms, 0.50), Percentile(ms, 0.99));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static string RenderTable(IReadOnlyList<Result> results)
    {
        string[] header = ["detector", "subset", "lines", "tp", "fp", "tn", "fn", "precision", "recall", "f1", "fpr", "hard_fpr", "p50_ms", "p99_ms", "unanswered"];
        var rows = new List<string[]> { header };
        foreach (var r in results)
        {
            rows.Add([r.Detector, r.Subset, Num(r.Lines), Num(r.TruePositives), Num(r.FalsePositives), Num(r.TrueNegatives), Num(r.FalseNegatives),
                F(r.Precision), F(r.Recall), F(r.F1), F(r.FalsePositiveRate), r.HardFalsePositiveRate is { } h ? F(h) : "-",
                r.P50Ms.ToString("0.000", CultureInfo.InvariantCulture), r.P99Ms.ToString("0.000", CultureInfo.InvariantCulture), Num(r.Unanswered)]);
        }
        var widths = new int[header.Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++) widths[i] = Math.Max(widths[i], row[i].Length);
        }
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0) text.Append("  ");
                text.Append(i < 2 ? row[i].PadRight(widths[i]) : row[i].PadLeft(widths[i]));
            }
            text.Append(Environment.NewLine);
        }
        return text.ToString();
    }

    public static string RenderJson(IReadOnlyList<Result> results) => JsonSerializer.Serialize(results.Select(r => new Dictionary<string, object?>
    {
        ["detector"] = r.Detector, ["subset"] = r.Subset, ["lines"] = r.Lines,
        ["tp"] = r.TruePositives, ["fp"] = r.FalsePositives, ["tn"] = r.TrueNegatives, ["fn"] = r.FalseNegatives,
        ["precision"] = Round(r.Precision), ["recall"] = Round(r.Recall), ["f1"] = Round(r.F1),
        ["falsePositiveRate"] = Round(r.FalsePositiveRate), ["hardNegatives"] = r.HardNegatives,
        ["hardFalsePositiveRate"] = r.HardFalsePositiveRate is { } h ? Round(h) : null,
        ["latencyP50Ms"] = Math.Round(r.P50Ms, 4), ["latencyP99Ms"] = Math.Round(r.P99Ms, 4), ["unanswered"] = r.Unanswered,
    })) + Environment.NewLine;

    private static double Round(double value) => Math.Round(value, 4);

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
