using System.Text.Json;
using System.Text.Json.Nodes;
using Tokengate.OpenAI;

namespace Tokengate.FineTuning;

/// <summary>
/// The bodies of fine-tuning calls as they cross the gateway: the create request read and rewritten for the chosen
/// backend (its base model, its file ids), and the backend's answers mapped back (the gateway's file ids, the logical
/// deployment), with the job's state read for the registry. Job bodies are small; they are handled as documents.
/// </summary>
internal static class FineTuningBodies
{
    /// <summary>The request fields kept in the registry as the job's settings.</summary>
    private static readonly string[] SettingFields = ["hyperparameters", "method", "suffix", "seed"];

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>The create request's fields, or the 400 that says what is wrong with them.</summary>
    public static (FineTuningCreateRequest? Request, GatewayError? Error) ReadCreate(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return (null, GatewayError.InvalidBody("The request body must be a JSON object."));
        if (String(root, "model") is not { Length: > 0 } model) return (null, GatewayError.MissingModel);
        if (String(root, "training_file") is not { Length: > 0 } training)
            return (null, GatewayError.InvalidBody("'training_file' is required: the id of a file uploaded with purpose 'fine-tune'.", "training_file"));
        string? validation = null;
        if (root.TryGetProperty("validation_file", out var v) && v.ValueKind != JsonValueKind.Null)
        {
            if (v.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(v.GetString()))
                return (null, GatewayError.InvalidBody("'validation_file' must be a file id.", "validation_file"));
            validation = v.GetString();
        }
        var settings = new JsonObject();
        foreach (var name in SettingFields)
        {
            if (root.TryGetProperty(name, out var value)) settings[name] = JsonNode.Parse(value.GetRawText());
        }
        return (new FineTuningCreateRequest(model, training, validation, settings.ToJsonString(Compact)), null);
    }

    /// <summary>
    /// The create request for the backend: <c>model</c> is the backend's base model, the file ids are the backend's
    /// (<paramref name="files"/>: gateway id → backend id); every other field goes as the consumer sent it.
    /// </summary>
    public static byte[] RewriteCreate(JsonElement root, string baseModel, IReadOnlyDictionary<string, string> files)
    {
        var body = JsonNode.Parse(root.GetRawText())!.AsObject();
        body["model"] = baseModel;
        foreach (var name in (string[])["training_file", "validation_file"])
        {
            if (body[name] is JsonValue value && value.TryGetValue<string>(out var id) && files.TryGetValue(id, out var mapped)) body[name] = mapped;
        }
        return JsonSerializer.SerializeToUtf8Bytes(body, Compact);
    }

    /// <summary>
    /// A backend's answer (a job, a list of jobs, events or checkpoints) with the backend's names replaced: any string
    /// that is one of the placed files' backend ids becomes the gateway's id, and a <c>model</c> that is the base model
    /// becomes the logical deployment. Ids of files only the backend holds (<c>result_files</c>) are left as they are.
    /// The body as it came when it is not JSON.
    /// </summary>
    public static byte[] MapBack(ReadOnlySpan<byte> body, FineTuningIdMap map)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return body.ToArray();
        }
        if (node is null) return body.ToArray();
        Map(node, map);
        return JsonSerializer.SerializeToUtf8Bytes(node, Compact);
    }

    /// <summary>The job's state in a job object; all null when the body is not one.</summary>
    public static FineTuningJobState ReadJob(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return default;
            long? trained = root.TryGetProperty("trained_tokens", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var tokens) ? tokens : null;
            DateTimeOffset? finished = root.TryGetProperty("finished_at", out var f) && f.ValueKind == JsonValueKind.Number && f.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
            return new FineTuningJobState(String(root, "id"), String(root, "status"), String(root, "fine_tuned_model"), trained, finished);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>
    /// A list answer (<c>{"object":"list","data":[…],"has_more":…}</c>) of job objects, each already in the consumer's
    /// names.
    /// </summary>
    public static byte[] JobList(IEnumerable<string> jobs, bool hasMore)
    {
        var data = new JsonArray();
        foreach (var job in jobs) data.Add(JsonNode.Parse(job));
        var list = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["has_more"] = hasMore,
        };
        return JsonSerializer.SerializeToUtf8Bytes(list, Compact);
    }

    /// <summary>Replaces the backend's names in place, anywhere in the document.</summary>
    private static void Map(JsonNode? node, FineTuningIdMap map)
    {
        if (node is JsonObject obj)
        {
            foreach (var name in obj.Select(p => p.Key).ToList())
            {
                if (Replacement(obj[name], name, map) is { } replaced) obj[name] = replaced;
                else Map(obj[name], map);
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (Replacement(array[i], null, map) is { } replaced) array[i] = replaced;
                else Map(array[i], map);
            }
        }
    }

    private static JsonValue? Replacement(JsonNode? node, string? property, FineTuningIdMap map)
    {
        if (node is not JsonValue value || !value.TryGetValue<string>(out var text)) return null;
        if (map.Files.TryGetValue(text, out var gatewayId)) return JsonValue.Create(gatewayId);
        return property == "model" && string.Equals(text, map.BaseModel, StringComparison.OrdinalIgnoreCase) ? JsonValue.Create(map.Pool) : null;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
