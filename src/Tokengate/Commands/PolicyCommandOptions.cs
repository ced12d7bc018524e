using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tokengate.Commands;

/// <summary>
/// The options of <c>tokengate consumers policy</c> and <c>tokengate groups policy</c>, and the <c>PUT .../policy</c> body
/// they make: only the parts named on the command line are sent, so the others stay as they are.
/// </summary>
internal sealed class PolicyCommandOptions
{
    private readonly bool _consumer;

    public PolicyCommandOptions(bool consumer)
    {
        _consumer = consumer;
        Tpm = new Option<int?>("--tpm") { Description = "Tokens per minute (the other limits are kept)." };
        Rpm = new Option<int?>("--rpm") { Description = "Requests per minute (the other limits are kept)." };
        Concurrency = new Option<int?>("--concurrency") { Description = "Requests in flight at once (the other limits are kept)." };
        Scopes = new Option<string?>("--scopes") { Description = "Logical deployments it may call, comma-separated (or *); replaces its scopes." };
        Operations = new Option<string?>("--operations") { Description = "Operations with --scopes, comma-separated (chat, embeddings, ... or *). Default *." };
        IpRanges = new Option<string?>("--ip-ranges") { Description = "CIDR ranges or addresses it may call from, comma-separated; replaces the list." };
        Logging = new Option<string?>("--logging") { Description = "Request logging: off, metadata or full." };
        Screening = new Option<string?>("--screening") { Description = "Prompt screening mode: off, monitor, annotate or block (other screening fields take their defaults)." };
        Clear = new Option<string[]>("--clear") { Description = "Remove a part set through the admin API: scopes, allowedIpRanges, limits, logging or screening. Repeatable.", AllowMultipleArgumentsPerToken = true };
        Json = new Option<FileInfo?>("--json") { Description = "Send this JSON file as the policy body instead (see docs/operations.md)." };
    }

    public Option<int?> Tpm { get; }

    public Option<int?> Rpm { get; }

    public Option<int?> Concurrency { get; }

    public Option<string?> Scopes { get; }

    public Option<string?> Operations { get; }

    public Option<string?> IpRanges { get; }

    public Option<string?> Logging { get; }

    public Option<string?> Screening { get; }

    public Option<string[]> Clear { get; }

    public Option<FileInfo?> Json { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Tpm);
        command.Options.Add(Rpm);
        command.Options.Add(Concurrency);
        command.Options.Add(Scopes);
        command.Options.Add(Operations);
        if (_consumer) command.Options.Add(IpRanges);
        command.Options.Add(Logging);
        command.Options.Add(Screening);
        command.Options.Add(Clear);
        command.Options.Add(Json);
    }

    /// <summary>The body to send; <paramref name="current"/> is the target's detail, whose limits the given ones are merged into.</summary>
    public async Task<JsonObject> BodyAsync(ParseResult parse, JsonElement current, CancellationToken cancellationToken)
    {
        if (parse.GetValue(Json) is { } file)
            return JsonNode.Parse(await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false))?.AsObject()
                ?? throw new InvalidOperationException($"{file.Name} does not hold a JSON object.");
        var body = new JsonObject();
        foreach (var part in parse.GetValue(Clear) ?? []) body[part] = null;
        if (parse.GetValue(Tpm) is not null || parse.GetValue(Rpm) is not null || parse.GetValue(Concurrency) is not null)
        {
            var limits = current.GetProperty("policy").GetProperty("limits") is { ValueKind: JsonValueKind.Object } existing
                ? JsonNode.Parse(existing.GetRawText())!.AsObject()
                : new JsonObject();
            if (parse.GetValue(Tpm) is { } tpm) limits["tokensPerMinute"] = tpm;
            if (parse.GetValue(Rpm) is { } rpm) limits["requestsPerMinute"] = rpm;
            if (parse.GetValue(Concurrency) is { } concurrency) limits["concurrentRequests"] = concurrency;
            body["limits"] = limits;
        }
        if (parse.GetValue(Scopes) is { } scopes)
            body["scopes"] = new JsonObject { ["deployments"] = List(scopes), ["operations"] = List(parse.GetValue(Operations) ?? "*") };
        if (_consumer && parse.GetValue(IpRanges) is { } ranges) body["allowedIpRanges"] = List(ranges);
        if (parse.GetValue(Logging) is { } logging) body["logging"] = logging;
        if (parse.GetValue(Screening) is { } mode) body["screening"] = new JsonObject { ["mode"] = mode };
        return body;
    }

    private static JsonArray List(string commaSeparated) =>
        [.. commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => (JsonNode)JsonValue.Create(v))];
}
