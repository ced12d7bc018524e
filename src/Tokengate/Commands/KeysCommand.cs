using System.CommandLine;
using System.Text;
using System.Text.Json;
using Tokengate.Identity;

namespace Tokengate.Commands;

/// <summary><c>tokengate keys</c>: gateway keys on the running gateway (create, list, rotate, revoke) and offline key tools.</summary>
internal static class KeysCommand
{
    private static readonly (string, string)[] Columns =
        [("ID", "id"), ("CONSUMER", "consumer"), ("PREFIX", "prefix"), ("STATUS", "status"), ("CREATED", "created"), ("EXPIRES", "expires"), ("REVOKED", "revoked")];

    public static Command Create()
    {
        var data = CommonOptions.Data();
        return new Command("keys", "Gateway keys: manage them on the running gateway, or hash and generate keys offline.")
        {
            CreateKey(data), ListKeys(data), RotateKey(data), RevokeKey(data), Hash(), Generate(),
        };
    }

    private static Command CreateKey(Option<DirectoryInfo> data)
    {
        var consumer = new Option<string>("--consumer") { Description = "The consumer the key is for; created (with the consumer role) if it does not exist.", Required = true };
        var group = new Option<string?>("--group") { Description = "The consumer group (team), when the consumer is created now." };
        var expires = new Option<string?>("--expires") { Description = "When the key stops working: a duration (90m, 12h, 30d, 2w) or an ISO-8601 time. Default: never." };
        var command = new Command("create", "Create a key on the running gateway; it works at once and is shown only this once.") { consumer, group, expires, data };
        command.SetAction(async (parse, ct) =>
        {
            using var client = await AdminClient.ConnectAsync(parse.GetValue(data)!, ct).ConfigureAwait(false);
            if (client is null) return 1;
            var name = parse.GetValue(consumer)!;
            if (await client.SendAsync(HttpMethod.Get, "consumers", null, ct).ConfigureAwait(false) is not { } consumers) return 1;
            if (!consumers.GetProperty("data").EnumerateArray().Any(c => c.GetProperty("name").GetString() == name)
                && await client.SendAsync(HttpMethod.Post, "consumers", new { name, group = parse.GetValue(group) }, ct).ConfigureAwait(false) is null)
                return 1;
            var path = $"consumers/{Uri.EscapeDataString(name)}/keys";
            if (await client.SendAsync(HttpMethod.Post, path, new { expires = parse.GetValue(expires) }, ct).ConfigureAwait(false) is not { } created) return 1;
            await Console.Out.WriteAsync(RenderIssued(created, "Created")).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ListKeys(Option<DirectoryInfo> data)
    {
        var consumer = new Option<string?>("--consumer") { Description = "Only this consumer's keys." };
        var command = new Command("list", "List keys (never the keys themselves): id, prefix, status, created, expiry, revocation.") { consumer, data };
        command.SetAction((parse, ct) =>
        {
            var name = parse.GetValue(consumer);
            var path = name is null ? "keys" : $"keys?consumer={Uri.EscapeDataString(name)}";
            return AdminCommand.RunAsync(parse, data, HttpMethod.Get, path, null, answer => AdminCommand.Table(answer, Columns), ct);
        });
        return command;
    }

    private static Command RotateKey(Option<DirectoryInfo> data)
    {
        var id = new Argument<string>("id") { Description = "The key to rotate (key_...)." };
        var grace = new Option<string?>("--grace") { Description = "How long the old key keeps working (e.g. 1h). Default: until you revoke it." };
        var expires = new Option<string?>("--expires") { Description = "When the new key stops working. Default: never." };
        var command = new Command("rotate", "Create the successor of a key; switch clients to it, then revoke the old one (or let --grace end it).") { id, grace, expires, data };
        command.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Post, $"keys/{Uri.EscapeDataString(parse.GetValue(id)!)}/rotate",
            new { expires = parse.GetValue(expires), grace = parse.GetValue(grace) }, answer => RenderIssued(answer, "Rotated"), ct));
        return command;
    }

    private static Command RevokeKey(Option<DirectoryInfo> data)
    {
        var id = new Argument<string>("id") { Description = "The key to revoke (key_...)." };
        var command = new Command("revoke", "Revoke a key on the running gateway; it is refused from this moment.") { id, data };
        command.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Post, $"keys/{Uri.EscapeDataString(parse.GetValue(id)!)}/revoke", null,
            answer => $"Revoked {answer.GetProperty("id").GetString()} (consumer {answer.GetProperty("consumer").GetString()}, prefix {answer.GetProperty("prefix").GetString()}).\n", ct));
        return command;
    }

    private static string RenderIssued(JsonElement key, string verb)
    {
        var text = new StringBuilder();
        var replaces = AdminCommand.Cell(key, "replaces");
        text.Append(verb).Append(": key ").Append(AdminCommand.Cell(key, "id")).Append(" for consumer ").Append(AdminCommand.Cell(key, "consumer"));
        if (replaces != "-") text.Append(", successor of ").Append(replaces);
        text.Append("; expires ").Append(AdminCommand.Cell(key, "expires")).AppendLine(".");
        text.AppendLine("The key is shown only this once; store it now:");
        text.AppendLine();
        text.AppendLine(key.GetProperty("key").GetString());
        return text.ToString();
    }

    private static Command Hash()
    {
        var key = new Argument<string?>("key") { Description = "The key to hash; read from standard input when omitted.", Arity = ArgumentArity.ZeroOrOne };
        var hash = new Command("hash", "Print the 'sha256:...' form of a key, for Tokengate:Consumers:NAME:KeyHashes.") { key };
        hash.SetAction(async parse =>
        {
            var value = parse.GetValue(key) ?? (await Console.In.ReadLineAsync().ConfigureAwait(false))?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                await Console.Error.WriteLineAsync("No key given.").ConfigureAwait(false);
                return 2;
            }
            await Console.Out.WriteLineAsync(KeyHash.Format(value)).ConfigureAwait(false);
            return 0;
        });
        return hash;
    }

    private static Command Generate()
    {
        var generate = new Command("generate", "Print a new random consumer key (keep it secret) and its hash, for configured consumers.");
        generate.SetAction(async _ =>
        {
            var value = ConsumerKeys.Generate("tg_");
            await Console.Out.WriteLineAsync($"key:  {value}\nhash: {KeyHash.Format(value)}").ConfigureAwait(false);
            return 0;
        });
        return generate;
    }
}
