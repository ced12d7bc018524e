// The realistic-latency backend of bench/knee: every POST is answered with the static backend's fixed Azure-shaped
// chat completion (bench/nginx/backend.conf) after --delay-ms milliseconds (default 60), so a gateway in front of it
// holds as many requests open as it would in front of a model. The delay is a timer, not work: one core answers
// thousands of requests per second, well past any gateway's knee on the same machine.
using System.Text;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var delay = TimeSpan.FromMilliseconds(builder.Configuration.GetValue("delay-ms", 60.0));

var app = builder.Build();
var body = Encoding.UTF8.GetBytes(
    """{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"finish_reason":"stop","index":0,"logprobs":null,"message":{"content":"wrk, hyperfine, perf.","refusal":null,"role":"assistant"}}],"created":1732000000,"id":"chatcmpl-bench","model":"gpt-4o-2024-11-20","object":"chat.completion","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}],"system_fingerprint":"fp_bench","usage":{"completion_tokens":6,"completion_tokens_details":{"accepted_prediction_tokens":0,"audio_tokens":0,"reasoning_tokens":0,"rejected_prediction_tokens":0},"prompt_tokens":38,"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":0},"total_tokens":44}}""");

app.MapGet("/healthz", () => "ok");
app.MapPost("/{**rest}", async (HttpContext context) =>
{
    // Read the request as a model endpoint would before it starts, then wait out the model's time.
    await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
    await Task.Delay(delay, context.RequestAborted);
    context.Response.ContentType = "application/json";
    context.Response.Headers["apim-request-id"] = "00000000-0000-0000-0000-000000000000";
    context.Response.Headers["x-ratelimit-remaining-requests"] = "999";
    context.Response.Headers["x-ratelimit-remaining-tokens"] = "999999";
    context.Response.ContentLength = body.Length;
    await context.Response.Body.WriteAsync(body, context.RequestAborted);
});
app.Run();
