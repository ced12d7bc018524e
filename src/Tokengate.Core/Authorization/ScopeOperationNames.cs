using Tokengate.OpenAI;

namespace Tokengate.Authorization;

/// <summary>The configuration names of <see cref="ScopeOperations"/> and the operation each model route is.</summary>
internal static class ScopeOperationNames
{
    public static IReadOnlyList<string> Known { get; } = ["chat", "completions", "embeddings", "files", "batch", "fine-tuning", "*"];

    public static bool TryParse(string name, out ScopeOperations operation)
    {
        operation = name.ToLowerInvariant() switch
        {
            "chat" => ScopeOperations.Chat,
            "completions" => ScopeOperations.Completions,
            "embeddings" => ScopeOperations.Embeddings,
            "files" => ScopeOperations.Files,
            "batch" => ScopeOperations.Batch,
            "fine-tuning" => ScopeOperations.FineTuning,
            "*" => ScopeOperations.All,
            _ => ScopeOperations.None,
        };
        return operation != ScopeOperations.None;
    }

    public static ScopeOperations Of(OpenAIOperation operation) => operation switch
    {
        OpenAIOperation.ChatCompletions => ScopeOperations.Chat,
        OpenAIOperation.Completions => ScopeOperations.Completions,
        _ => ScopeOperations.Embeddings,
    };

    public static string NameOf(ScopeOperations operation) => operation switch
    {
        ScopeOperations.Chat => "chat",
        ScopeOperations.Completions => "completions",
        ScopeOperations.Embeddings => "embeddings",
        ScopeOperations.Files => "files",
        ScopeOperations.Batch => "batch",
        ScopeOperations.FineTuning => "fine-tuning",
        _ => "*",
    };
}
