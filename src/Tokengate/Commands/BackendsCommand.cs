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
        var drain = new Command("drain", "Stop sending new requests to a backend (requests in flight finish; requests pinned to it by a stored id still go there). Kept across restarts and shared by the fleet.") { name, data };
        drain.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Post, $"backends/{Uri.EscapeDataString(parse.GetValue(name)!)}/drain", null,
            answer => $"{AdminCommand.Cell(answer, "backend")} is drained (by {AdminCommand.Cell(answer, "drainedBy")} at {AdminCommand.Cell(answer, "drainedAt")})\n", ct));
        var resume = new Command("resume", "Let a drained backend take requests again.") { name, data };
        resume.SetAction((parse, ct) => AdminCommand.RunAsync(parse, data, HttpMethod.Post, $"backends/{Uri.EscapeDataString(parse.GetValue(name)!)}/resume", null,
            answer => $"{AdminCommand.Cell(answer, "backend")} takes requests again\n", ct));
        return new Command("backends", "Backends of the running gateway.") { rotate, drain, resume };
    }
}
