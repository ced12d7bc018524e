using System.Text;
using BenchmarkDotNet.Attributes;
using Tokengate.Micro.Baseline;
using Tokengate.Proxy;

namespace Tokengate.Micro;

/// <summary>
/// What the chat stream's tap costs on one read that holds a whole stream (the static backend of <c>bench/run</c>
/// sends its seven events in one write): <c>BeforeTheWrite</c> is the inspection every event of the read waits for,
/// <c>Total</c> adds the text kept once they are relayed. <c>Baseline</c> is the tap that read the text while
/// inspecting, so all of its work came before the write.
/// </summary>
[MemoryDiagnoser]
public class StreamTapBenchmarks
{
    private static readonly byte[] Stream = Encoding.UTF8.GetBytes(string.Concat(
        "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}}]}\n\n",
        Chunk("{\"content\":\"\",\"role\":\"assistant\"}", "{}", "null"),
        Chunk("{\"content\":\"wrk, \"}", "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}", "null"),
        Chunk("{\"content\":\"hyperfine, perf.\"}", "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}", "null"),
        Chunk("{}", "{}", "\"stop\""),
        "data: {\"choices\":[],\"created\":1732000000,\"id\":\"chatcmpl-bench\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_bench\",\"usage\":{\"completion_tokens\":6,\"prompt_tokens\":38,\"total_tokens\":44}}\n\n",
        "data: [DONE]\n\n"));

    [Benchmark(Baseline = true)]
    public int Baseline()
    {
        var tap = new BaselineStreamUsageTap(stripUsageChunk: true);
        return Inspect(tap) + tap.CompletionText.Length;
    }

    [Benchmark]
    public int BeforeTheWrite() => Inspect(new StreamUsageTap(stripUsageChunk: true));

    [Benchmark]
    public int Total()
    {
        var tap = new StreamUsageTap(stripUsageChunk: true);
        var relayed = Inspect(tap);
        tap.Relayed(Stream);
        return relayed + tap.CompletionText.Length;
    }

    private static int Inspect(StreamTap tap)
    {
        var relayed = 0;
        for (ReadOnlySpan<byte> events = Stream; !events.IsEmpty;)
        {
            var length = StreamTap.NextEventLength(events);
            if (tap.Inspect(events[..length])) relayed++;
            events = events[length..];
        }
        return relayed;
    }

    private static string Chunk(string delta, string filters, string finish) =>
        $"data: {{\"choices\":[{{\"content_filter_results\":{filters},\"delta\":{delta},\"finish_reason\":{finish},\"index\":0,\"logprobs\":null}}],\"created\":1732000000,\"id\":\"chatcmpl-bench\",\"model\":\"gpt-4o-2024-11-20\",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_bench\"}}\n\n";
}
