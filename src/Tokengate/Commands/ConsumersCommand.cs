using System.CommandLine;

namespace Tokengate.Commands;

/// <summary><c>tokengate consumers</c>: consumers of the running gateway, their policies and groups.</summary>
internal static class ConsumersCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var list = new Command("list", "List consumers, stored and configured, with group, roles and state.") { data };
        list.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Get, "consumers", null, answer => AdminCommand.Table(answer,
            ("NAME", "name"), ("GROUP", "group"), ("ROLES", "roles"), ("SOURCE", "source"), ("CREATED", "created"), ("DISABLED", "disabled")), ct));
        return new Command("consumers", "Consumers of the running gateway.") { list, Show(data), Policy(data), Move(data) };
    }

    private static Command Show(Option<DirectoryInfo> data)
    {
        var name = new Argument<string>("name") { Description = "The consumer." };
        var command = new Command("show", "Show a consumer and its policy in force, each part with where it is set (managed, or the file that owns it).") { name, data };
        command.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Get, Path(parse.GetValue(name)!), null,
            answer => PolicyRendering.Detail(answer, "name", "group", "roles", "source", "created", "disabled"), ct));
        return command;
    }

    private static Command Policy(Option<DirectoryInfo> data)
    {
        var name = new Argument<string>("name") { Description = "The consumer." };
        var options = new PolicyCommandOptions(consumer: true);
        var command = new Command("policy", "Change a consumer's policy through the admin API (parts a configuration file sets are refused).") { name, data };
        options.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var client = await AdminClient.ConnectAsync(parse.GetValue(data)!, ct).ConfigureAwait(false);
            if (client is null) return 1;
            var path = Path(parse.GetValue(name)!);
            if (await client.SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false) is not { } current) return 1;
            var body = await options.BodyAsync(parse, current, ct).ConfigureAwait(false);
            if (await client.SendAsync(HttpMethod.Put, path + "/policy", body, ct).ConfigureAwait(false) is not { } detail) return 1;
            await Console.Out.WriteAsync(PolicyRendering.Detail(detail, "name", "group", "source")).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Move(Option<DirectoryInfo> data)
    {
        var name = new Argument<string>("name") { Description = "The consumer (one kept in the database)." };
        var group = new Option<string?>("--group") { Description = "The group to move it to; leave out for none." };
        var command = new Command("move", "Move a stored consumer to another group.") { name, group, data };
        command.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Patch, Path(parse.GetValue(name)!), new { group = parse.GetValue(group) },
            answer => $"{answer.GetProperty("name").GetString()} is now in group {AdminCommand.Cell(answer, "group")}.\n", ct));
        return command;
    }

    private static string Path(string name) => $"consumers/{Uri.EscapeDataString(name)}";
}
