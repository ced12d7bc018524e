using System.CommandLine;

namespace Tokengate.Commands;

/// <summary><c>tokengate consumers</c>: consumers of the running gateway.</summary>
internal static class ConsumersCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var list = new Command("list", "List consumers, stored and configured, with group, roles and state.") { data };
        list.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Get, "consumers", null, answer => AdminCommand.Table(answer,
            ("NAME", "name"), ("GROUP", "group"), ("ROLES", "roles"), ("SOURCE", "source"), ("CREATED", "created"), ("DISABLED", "disabled")), ct));
        return new Command("consumers", "Consumers of the running gateway.") { list };
    }
}
