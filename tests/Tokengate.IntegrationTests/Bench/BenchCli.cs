using System.CommandLine;
using System.Text.Json;
using Tokengate.Commands;

namespace Tokengate.IntegrationTests.Bench;

/// <summary>Runs <c>tokengate bench …</c> in process, as the command line parses it, capturing both outputs.</summary>
internal static class BenchCli
{
    /// <summary>The variable the tests pass with --api-key-env; never OPENAI_API_KEY, which a developer may have set.</summary>
    public const string KeyVariable = "TOKENGATE_BENCH_TEST_KEY";

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        Environment.SetEnvironmentVariable(KeyVariable, "bench-test-key");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand { BenchCommand.Create() };
        var exit = await root.Parse(["bench", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The JSON lines of a <c>--output-format jsonl</c> run.</summary>
    public static List<JsonElement> Lines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => JsonDocument.Parse(line).RootElement)];
}
