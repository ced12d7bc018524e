namespace Tokengate.Assessment;

/// <summary>Runs every item's rules over a configuration; each rule runs once, however many items name it.</summary>
internal static class Assessor
{
    public static AssessmentReport Run(AssessmentInput input, string source)
    {
        var results = new Dictionary<string, IReadOnlyList<AssessmentFinding>>(StringComparer.Ordinal);
        var items = new List<ItemAssessment>();
        foreach (var item in AssessmentChecklist.Items)
        {
            var findings = new List<AssessmentFinding>();
            foreach (var name in item.Rules)
            {
                if (!results.TryGetValue(name, out var found))
                {
                    var rule = AssessmentChecklist.Rules.TryGetValue(name, out var r) ? r : throw new InvalidOperationException($"checklist.json names an unknown rule '{name}'.");
                    results[name] = found = rule.Evaluate(input);
                }
                findings.AddRange(found);
            }
            var status = findings.Count == 0 ? AssessmentStatus.NotApplicable : findings.Max(f => f.Status);
            items.Add(new ItemAssessment(item, status, findings));
        }
        return new AssessmentReport(source, items);
    }
}
