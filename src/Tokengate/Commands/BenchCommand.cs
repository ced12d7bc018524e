using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tokengate.Bench;
using Tokengate.Bench.Load;
using Tokengate.Bench.Output;
using Tokengate.Bench.Tokens;

namespace Tokengate.Commands;

/// <summary><c>tokengate bench</c>: the load generator and the token counter.</summary>
internal static class BenchCommand
{
    private const int BadInput = 2;

    public static Command Create() =>
        new("bench", "Measure what an Azure OpenAI or OpenAI-compatible endpoint delivers (the service, the gateway or the simulator).")
        {
            CreateLoad(),
            CreateTokenize(),
        };

    private static Command CreateLoad()
    {
        var endpoint = new Option<string?>("--endpoint") { Description = "Resource address, e.g. https://NAME.openai.azure.com. The only host requests go to (no redirects, no proxy)." };
        var deployment = new Option<string?>("--deployment") { Description = "Deployment name (on --api openai-v1, sent as the body's model)." };
        var apiKeyEnv = new Option<string>("--api-key-env") { Description = "Environment variable holding the API key.", DefaultValueFactory = _ => "OPENAI_API_KEY" };
        var api = new Option<string>("--api") { Description = "azure: /openai/deployments/NAME/...?api-version= with an api-key header; openai-v1: /openai/v1/... with Authorization: Bearer.", DefaultValueFactory = _ => "azure" };
        api.AcceptOnlyFromAmong("azure", "openai-v1");
        var apiVersion = new Option<string>("--api-version") { Description = "api-version of the azure routes.", DefaultValueFactory = _ => "2024-10-21" };
        var operation = new Option<string>("--operation") { Description = "chat or embeddings.", DefaultValueFactory = _ => "chat" };
        operation.AcceptOnlyFromAmong("chat", "embeddings");
        var shape = new Option<string>("--shape") { Description = "Request size: balanced (500 context / 500 max tokens), context (2000/200), generation (500/1000), custom.", DefaultValueFactory = _ => "balanced" };
        var contextTokens = new Option<int?>("--context-tokens") { Description = "Exact prompt tokens (usage.prompt_tokens); required for custom, overrides the shape otherwise." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "max_tokens per request; required for custom, overrides the shape otherwise." };
        var stream = new Option<bool>("--stream") { Description = "Stream chat responses (measures time to first token and between tokens)." };
        var rate = new Option<double?>("--rate") { Description = "Open loop: requests started per minute, on schedule, whatever the responses do." };
        var clients = new Option<int?>("--clients") { Description = "Closed loop: concurrent clients, each sending its next request when the last finished." };
        var duration = new Option<double?>("--duration") { Description = "Measured seconds after warm-up (at most 86400). Default 60 unless --requests is given." };
        var requests = new Option<long?>("--requests") { Description = "Requests to start in all, warm-up included. Default cap 1,000,000." };
        var warmup = new Option<double>("--warmup") { Description = "Seconds at the start that are shown but left out of the summary." };
        var window = new Option<double>("--aggregation-window") { Description = "Seconds per reported interval.", DefaultValueFactory = _ => 10 };
        var retry = new Option<string>("--retry") { Description = "none: record 429s and errors as they come; exponential: retry them (honouring retry-after-ms / retry-after, at most 5 times).", DefaultValueFactory = _ => "none" };
        retry.AcceptOnlyFromAmong("none", "exponential");
        var timeout = new Option<double>("--timeout") { Description = "Seconds one attempt may take.", DefaultValueFactory = _ => 120 };
        var format = new Option<string>("--output-format") { Description = "human: a live table and a summary; jsonl: one JSON object per interval, then the summary.", DefaultValueFactory = _ => "human" };
        format.AcceptOnlyFromAmong("human", "jsonl");

        var command = new Command("load", "Send load at a target rate or from fixed clients and report throughput, throttling and latency every interval. Ctrl+C stops and prints the summary.")
        {
            endpoint, deployment, apiKeyEnv, api, apiVersion, operation, shape, contextTokens, maxTokens, stream, rate, clients,
            duration, requests, warmup, window, retry, timeout, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var keyVariable = parse.GetValue(apiKeyEnv)!;
            var options = new LoadOptions
            {
                Endpoint = parse.GetValue(endpoint),
                Deployment = parse.GetValue(deployment),
                ApiKeyEnv = keyVariable,
                ApiKey = Environment.GetEnvironmentVariable(keyVariable),
                Api = parse.GetValue(api) == "openai-v1" ? BenchApi.OpenAIV1 : BenchApi.AzureClassic,
                ApiVersion = parse.GetValue(apiVersion)!,
                Operation = parse.GetValue(operation) == "embeddings" ? BenchOperation.Embeddings : BenchOperation.Chat,
                Shape = parse.GetValue(shape)!,
                ContextTokens = parse.GetValue(contextTokens),
                MaxTokens = parse.GetValue(maxTokens),
                Stream = parse.GetValue(stream),
                Rate = parse.GetValue(rate),
                Clients = parse.GetValue(clients),
                Duration = parse.GetValue(duration),
                Requests = parse.GetValue(requests),
                Warmup = parse.GetValue(warmup),
                AggregationWindow = parse.GetValue(window),
                Retry = parse.GetValue(retry) == "exponential" ? RetryMode.Exponential : RetryMode.None,
                Timeout = parse.GetValue(timeout),
            };
            var plan = LoadPlan.Create(options, out var errors);
            if (plan is null)
            {
                await error.WriteLineAsync("tokengate bench load: " + string.Join(Environment.NewLine + "  ", ["cannot start:", .. errors])).ConfigureAwait(false);
                return BadInput;
            }

            ILoadReporter reporter = parse.GetValue(format) == "jsonl"
                ? new JsonLinesLoadReporter(output)
                : new HumanLoadReporter(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }));
            await new LoadRunner(plan, reporter).RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CreateTokenize()
    {
        var model = new Option<string>("--model") { Description = "Model whose encoding counts: gpt-4o, gpt-4.1, o-series, gpt-5 use o200k_base; gpt-4, gpt-35-turbo and embeddings cl100k_base.", DefaultValueFactory = _ => "gpt-4o" };
        var text = new Option<string?>("--text") { Description = "Text to count." };
        var file = new Option<FileInfo?>("--file") { Description = "A UTF-8 text file to count." };
        var chat = new Option<FileInfo?>("--chat-json") { Description = "A chat request or message array to count as the prompt the service bills (3 per message, 3 for the reply, 1 per name)." };
        var command = new Command("tokenize", "Print the token count of a text or a chat JSON with the model's encoding.") { model, text, file, chat };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var given = (parse.GetValue(text) is null ? 0 : 1) + (parse.GetValue(file) is null ? 0 : 1) + (parse.GetValue(chat) is null ? 0 : 1);
            if (given != 1)
            {
                await error.WriteLineAsync("tokengate bench tokenize: give exactly one of --text, --file or --chat-json.").ConfigureAwait(false);
                return BadInput;
            }

            var path = parse.GetValue(file) ?? parse.GetValue(chat);
            if (path is { Exists: false })
            {
                await error.WriteLineAsync($"tokengate bench tokenize: file not found: {path.FullName}").ConfigureAwait(false);
                return BadInput;
            }

            var input = path is null ? parse.GetValue(text)! : await File.ReadAllTextAsync(path.FullName, cancellationToken).ConfigureAwait(false);
            var count = TokenizeInput.Count(parse.GetValue(model)!, input, parse.GetValue(chat) is not null, out var problem);
            if (count is null)
            {
                await error.WriteLineAsync("tokengate bench tokenize: " + problem).ConfigureAwait(false);
                return BadInput;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(count.Value.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
