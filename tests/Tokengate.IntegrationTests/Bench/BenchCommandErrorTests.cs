namespace Tokengate.IntegrationTests.Bench;

/// <summary>Bad input to <c>tokengate bench</c> gets a clear message and a non-zero exit, and sends nothing.</summary>
public sealed class BenchCommandErrorTests
{
    private static readonly string[] Valid =
        ["load", "--endpoint", "http://127.0.0.1:9", "--deployment", "chat", "--api-key-env", BenchCli.KeyVariable, "--rate", "60", "--duration", "1"];

    [Theory]
    [InlineData("--endpoint", "not a url", "--endpoint 'not a url' is not an http(s) address")]
    [InlineData("--endpoint", "ftp://example.com", "--endpoint 'ftp://example.com' is not an http(s) address")]
    [InlineData("--rate", "0", "--rate must be more than 0")]
    [InlineData("--rate", "6000001", "--rate must be more than 0 and at most 6000000 requests per minute")]
    [InlineData("--shape", "huge", "Unknown shape 'huge'. Use one of: balanced, context, generation, custom.")]
    [InlineData("--duration", "90000", "--duration must be more than 0 and at most 86400 seconds")]
    [InlineData("--api-key-env", "TOKENGATE_BENCH_NO_SUCH_VARIABLE", "No API key: set the environment variable TOKENGATE_BENCH_NO_SUCH_VARIABLE")]
    public async Task Load_BadInput_ExplainsAndExitsNonZero(string option, string value, string message)
    {
        var args = Valid.ToList();
        args[args.IndexOf(option) is var at and >= 0 ? at + 1 : Add(args, option) + 1] = value;

        var (exit, output, error) = await BenchCli.RunAsync([.. args]);

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Load_CustomShapeWithoutSizes_IsRefused()
    {
        var (exit, _, error) = await BenchCli.RunAsync([.. Valid, "--shape", "custom"]);
        Assert.Equal(2, exit);
        Assert.Contains("The custom shape needs both --context-tokens and --max-tokens.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_RateAndClients_AreRefusedTogether()
    {
        var (exit, _, error) = await BenchCli.RunAsync([.. Valid, "--clients", "2"]);
        Assert.Equal(2, exit);
        Assert.Contains("either --rate (open loop) or --clients (closed loop)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_UnknownRetryMode_IsRefusedByTheParser()
    {
        var (exit, _, error) = await BenchCli.RunAsync([.. Valid, "--retry", "forever"]);
        Assert.NotEqual(0, exit);
        Assert.Contains("forever", error, StringComparison.Ordinal);
    }

    private static int Add(List<string> args, string option)
    {
        args.Add(option);
        args.Add(string.Empty);
        return args.Count - 2;
    }
}
