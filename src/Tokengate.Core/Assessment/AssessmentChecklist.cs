using System.Text.Json;

namespace Tokengate.Assessment;

/// <summary>
/// The guidance's checklist items, recommendations and Azure Policy examples, read from the embedded
/// <c>checklist.json</c>: the list is data, so each item says which rules check it, or why none does.
/// </summary>
internal static class AssessmentChecklist
{
    private const string ResourceName = "Tokengate.Assessment.checklist.json";

    private static readonly Lazy<IReadOnlyList<ChecklistItem>> Loaded = new(Load);

    /// <summary>Every item, in the guidance's order.</summary>
    public static IReadOnlyList<ChecklistItem> Items => Loaded.Value;

    /// <summary>Every rule, by name.</summary>
    public static IReadOnlyDictionary<string, AssessmentRule> Rules { get; } =
        ReliabilityRules.All.Concat(SecurityRules.All).Concat(CostRules.All).Concat(OperationsRules.All).Concat(PerformanceRules.All)
            .ToDictionary(r => r.Name, StringComparer.Ordinal);

    private static IReadOnlyList<ChecklistItem> Load()
    {
        using var stream = typeof(AssessmentChecklist).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var document = JsonDocument.Parse(stream);
        var items = new List<ChecklistItem>();
        foreach (var e in document.RootElement.GetProperty("items").EnumerateArray())
        {
            var rules = e.TryGetProperty("rules", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
            items.Add(new ChecklistItem(
                e.GetProperty("id").GetString()!,
                Enum.Parse<AssessmentPillar>(e.GetProperty("pillar").GetString()!),
                e.GetProperty("kind").GetString()!,
                e.GetProperty("title").GetString()!,
                e.GetProperty("section").GetString()!,
                e.GetProperty("quote").GetString()!,
                rules,
                e.TryGetProperty("notChecked", out var n) ? n.GetString() : null));
        }
        return items;
    }
}
