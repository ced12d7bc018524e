using System.CommandLine;
using Tokengate.Commands;

var root = new RootCommand("Tokengate: an AI gateway for Azure OpenAI and OpenAI-compatible deployments.")
{
    UpCommand.Create(),
    ServeCommand.Create(),
    SimulateCommand.Create(),
    KeysCommand.Create(),
    ConsumersCommand.Create(),
    GroupsCommand.Create(),
    BudgetsCommand.Create(),
    AuditCommand.Create(),
    SecretsCommand.Create(),
    BackendsCommand.Create(),
    EncryptionCommand.Create(),
    BenchCommand.Create(),
    UsageCommand.Create(),
    RequestsCommand.Create(),
    AdviseCommand.Create(),
    FineTuneCommand.Create(),
    DrCommand.Create(),
    ScreenCommand.Create(),
    AssessCommand.Create(),
};
// On Ctrl+C or SIGTERM the command's token is cancelled and the host stops gracefully: requests in flight finish
// (within the host's shutdown timeout) and the ledger drains. System.CommandLine would end the process two seconds
// after the signal by default, cutting both short; this only bounds a shutdown that hangs.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
