using System.Text.Json;

namespace Tokengate.Simulator.ContentSafety;

/// <summary>The body of a shieldPrompt call, checked against Azure's input limits.</summary>
internal sealed record ShieldPromptRequest(string? UserPrompt, IReadOnlyList<string> Documents)
{
    /// <summary>The request, or why Azure would refuse it (400 InvalidRequestBody).</summary>
    public static (ShieldPromptRequest? Request, string? Problem) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return (null, "The request body must be a JSON object.");
        string? prompt = null;
        var documents = new List<string>();
        if (root.TryGetProperty("userPrompt", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.String) return (null, "The field 'userPrompt' must be a string.");
            prompt = p.GetString()!;
            if (prompt.Length > ShieldPromptHandler.MaxUserPromptChars)
                return (null, $"The userPrompt is too long: {prompt.Length} characters; the limit is {ShieldPromptHandler.MaxUserPromptChars}.");
        }

        if (root.TryGetProperty("documents", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            if (d.ValueKind != JsonValueKind.Array) return (null, "The field 'documents' must be an array of strings.");
            var total = 0;
            foreach (var item in d.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) return (null, "The field 'documents' must be an array of strings.");
                var text = item.GetString()!;
                total += text.Length;
                documents.Add(text);
            }

            if (documents.Count > ShieldPromptHandler.MaxDocuments)
                return (null, $"Too many documents: {documents.Count}; the limit is {ShieldPromptHandler.MaxDocuments}.");
            if (total > ShieldPromptHandler.MaxDocumentChars)
                return (null, $"The documents are too long: {total} characters in total; the limit is {ShieldPromptHandler.MaxDocumentChars}.");
        }

        return prompt is null && documents.Count == 0
            ? (null, "The request must have a userPrompt or at least one document.")
            : (new ShieldPromptRequest(prompt, documents), null);
    }
}
