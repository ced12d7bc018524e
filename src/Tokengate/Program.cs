using System.CommandLine;
using Tokengate.Commands;

var root = new RootCommand("Tokengate: an AI gateway for Azure OpenAI and OpenAI-compatible deployments.")
{
    UpCommand.Create(),
    ServeCommand.Create(),
    SimulateCommand.Create(),
    KeysCommand.Create(),
    ConsumersCommand.Create(),
    AuditCommand.Create(),
    SecretsCommand.Create(),
    BackendsCommand.Create(),
    BenchCommand.Create(),
    UsageCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
