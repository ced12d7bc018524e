using System.Diagnostics;
using System.Diagnostics.Metrics;
using Tokengate.Telemetry;

namespace Tokengate.Screening;

/// <summary>
/// Prompt screening's instruments, on the gateway's one meter: the gateway's own verdicts, its blocks, how long each
/// detector took, and the jailbreak and indirect-attack annotations Azure itself returned.
/// </summary>
internal sealed class ScreeningMetrics
{
    public const string DetectorTag = "tokengate.screening.detector";
    public const string AttackTag = "tokengate.screening.attack";
    public const string OutcomeTag = "tokengate.screening.outcome";
    public const string ModeTag = "tokengate.screening.mode";
    public const string SourceTag = "tokengate.screening.source";
    public const string FilteredTag = "tokengate.screening.filtered";

    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Counter<long> _verdicts;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _blocks;
    private readonly Counter<long> _unavailable;
    private readonly Counter<long> _azure;

    public ScreeningMetrics(GatewayMetrics metrics)
    {
        var meter = metrics.Meter;
        _verdicts = meter.CreateCounter<long>("tokengate.screening.verdicts", "{verdict}",
            "Detector verdicts, by tokengate.screening.detector, tokengate.screening.attack (none, jailbreak, indirect_attack) and tokengate.screening.outcome (answered, failed).");
        _duration = meter.CreateHistogram("tokengate.screening.duration", "s", "Time each detector took to screen one request, by tokengate.screening.detector.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _blocks = meter.CreateCounter<long>("tokengate.screening.blocks", "{request}",
            "Requests refused by screening: 400 content_filter (tokengate.screening.outcome blocked, by tokengate.screening.attack) or 503 ScreeningUnavailable (outcome unavailable).");
        _unavailable = meter.CreateCounter<long>("tokengate.screening.unestablished", "{request}",
            "Screened requests whose result could not be established because detectors did not answer, by tokengate.screening.mode.");
        _azure = meter.CreateCounter<long>("tokengate.screening.azure_annotations", "{response}",
            "Backend answers in which Azure's own prompt filter detected an attack, by tokengate.screening.attack (jailbreak, indirect_attack), "
            + "tokengate.screening.filtered (true: Azure refused the prompt) and tokengate.screening.source (body, stream, error).");
    }

    public void Verdict(DetectorVerdict verdict)
    {
        var tags = new TagList { { DetectorTag, verdict.Detector }, { AttackTag, AttackNames.Of(verdict.Attack) }, { OutcomeTag, verdict.Answered ? "answered" : "failed" } };
        _verdicts.Add(1, tags);
        _duration.Record(verdict.Elapsed.TotalSeconds, new KeyValuePair<string, object?>(DetectorTag, verdict.Detector));
    }

    public void Blocked(AttackKind attack) =>
        _blocks.Add(1, new KeyValuePair<string, object?>(OutcomeTag, "blocked"), new KeyValuePair<string, object?>(AttackTag, AttackNames.Of(attack)));

    public void Unestablished(ScreeningMode mode, bool refused)
    {
        _unavailable.Add(1, new KeyValuePair<string, object?>(ModeTag, mode.ToString().ToLowerInvariant()));
        if (refused) _blocks.Add(1, new KeyValuePair<string, object?>(OutcomeTag, "unavailable"), new KeyValuePair<string, object?>(AttackTag, AttackNames.None));
    }

    /// <summary>Azure's annotations in one backend answer (nothing is recorded when it detected nothing).</summary>
    public void AzureAnnotated(AzurePromptAnnotations annotations, string source)
    {
        if ((annotations & AzurePromptAnnotations.Jailbreak) != 0) Azure(AttackNames.Jailbreak, annotations, source);
        if ((annotations & AzurePromptAnnotations.IndirectAttack) != 0) Azure(AttackNames.IndirectAttack, annotations, source);
    }

    private void Azure(string attack, AzurePromptAnnotations annotations, string source) =>
        _azure.Add(1, new TagList
        {
            { AttackTag, attack },
            { FilteredTag, (annotations & AzurePromptAnnotations.Filtered) != 0 },
            { SourceTag, source },
        });
}
