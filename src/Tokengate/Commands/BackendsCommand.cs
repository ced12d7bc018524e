using System.CommandLine;

namespace Tokengate.Commands;

/// <summary><c>tokengate backends</c>: backends of the running gateway.</summary>
internal static class BackendsCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var name = new Argument<string>("name") { Description = "The backend's name, as configured." };
        var rotate = new Command("rotate-key", "Switch a backend to its other key (ApiKey / SecondaryApiKey), re-reading both secrets first.") { name, data };
        rotate.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Post, $"backends/{Uri.EscapeDataString(parse.GetValue(name)!)}/rotate-key", null,
            answer => $"{AdminCommand.Cell(answer, "backend")} now uses its {AdminCommand.Cell(answer, "active").ToLowerInvariant()} key\n", ct));
        return new Command("backends", "Backends of the running gateway.") { rotate };
    }
}
