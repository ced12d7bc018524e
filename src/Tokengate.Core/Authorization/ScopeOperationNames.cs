namespace Tokengate.Authorization;

/// <summary>The configuration names of <see cref="ScopeOperations"/>: the vocabulary of <c>Access:Scopes:*:Operations</c>.</summary>
internal static class ScopeOperationNames
{
    private static readonly (string Name, ScopeOperations Operation)[] Names =
    [
        ("chat", ScopeOperations.Chat),
        ("completions", ScopeOperations.Completions),
        ("embeddings", ScopeOperations.Embeddings),
        ("responses", ScopeOperations.Responses),
        ("images", ScopeOperations.Images),
        ("audio", ScopeOperations.Audio),
        ("realtime", ScopeOperations.Realtime),
        ("files", ScopeOperations.Files),
        ("batch", ScopeOperations.Batch),
        ("fine-tuning", ScopeOperations.FineTuning),
        ("*", ScopeOperations.All),
    ];

    public static IReadOnlyList<string> Known { get; } = [.. Names.Select(n => n.Name)];

    public static bool TryParse(string name, out ScopeOperations operation)
    {
        foreach (var (known, value) in Names)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                operation = value;
                return true;
            }
        }
        operation = ScopeOperations.None;
        return false;
    }

    /// <summary>The configuration name of one operation flag (or of <c>*</c>).</summary>
    public static string NameOf(ScopeOperations operation)
    {
        foreach (var (name, value) in Names)
        {
            if (value == operation) return name;
        }
        throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not a single scope operation.");
    }
}
