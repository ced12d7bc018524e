using System.CommandLine;

namespace Tokengate.Commands;

/// <summary><c>tokengate groups</c>: consumer groups of the running gateway and their policies.</summary>
internal static class GroupsCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var list = new Command("list", "List every group named anywhere, with its description and member count.") { data };
        list.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Get, "groups", null,
            answer => AdminCommand.Table(answer, ("NAME", "name"), ("MEMBERS", "members"), ("DESCRIPTION", "description")), ct));
        return new Command("groups", "Consumer groups (teams) of the running gateway.") { list, Create(data), Show(data), Policy(data) };
    }

    private static Command Create(Option<DirectoryInfo> data)
    {
        var name = new Argument<string>("name") { Description = "The new group." };
        var description = new Option<string?>("--description") { Description = "What the group is, for people." };
        var command = new Command("create", "Create a group (with an optional description) through the admin API.") { name, description, data };
        command.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Post, "groups",
            new { name = parse.GetValue(name), description = parse.GetValue(description) }, answer => $"Created group {answer.GetProperty("name").GetString()}.\n", ct));
        return command;
    }

    private static Command Show(Option<DirectoryInfo> data)
    {
        var name = new Argument<string>("name") { Description = "The group." };
        var command = new Command("show", "Show a group: description, members, and its policy with where each part is set.") { name, data };
        command.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Get, Path(parse.GetValue(name)!), null,
            answer => PolicyRendering.Detail(answer, "name", "description", "members"), ct));
        return command;
    }

    private static Command Policy(Option<DirectoryInfo> data)
    {
        var name = new Argument<string>("name") { Description = "The group." };
        var options = new PolicyCommandOptions(consumer: false);
        var command = new Command("policy", "Change a group's policy through the admin API (limits are shared by all its members).") { name, data };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var client = await AdminClient.ConnectAsync(parse.GetValue(data)!, ct).ConfigureAwait(false);
            if (client is null) return 1;
            var path = Path(parse.GetValue(name)!);
            // A group that nothing names yet has no detail; its policy starts empty.
            var current = await client.SendAsync(HttpMethod.Get, "groups", null, ct).ConfigureAwait(false) is { } all
                && all.GetProperty("data").EnumerateArray().Any(g => string.Equals(g.GetProperty("name").GetString(), parse.GetValue(name), StringComparison.OrdinalIgnoreCase))
                ? await client.SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false)
                : System.Text.Json.JsonDocument.Parse("""{"policy":{"limits":null}}""").RootElement;
            if (current is null) return 1;
            var body = await options.BodyAsync(parse, current.Value, ct).ConfigureAwait(false);
            if (await client.SendAsync(HttpMethod.Put, path + "/policy", body, ct).ConfigureAwait(false) is not { } detail) return 1;
            await Console.Out.WriteAsync(PolicyRendering.Detail(detail, "name", "description", "members")).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static string Path(string name) => $"groups/{Uri.EscapeDataString(name)}";
}
