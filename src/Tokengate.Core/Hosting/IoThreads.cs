using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tokengate.Hosting;

/// <summary>
/// Where a request's work runs. A served gateway runs it on the socket engine's I/O threads: the runtime completes
/// socket operations there (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>) and Kestrel runs the application
/// there (<c>UnsafePreferInlineScheduling</c>), instead of handing each read, each write and the request itself to
/// the thread pool (docs/performance.md has what the hand-offs cost). On the request path nothing blocks: the ledger
/// and the request log are written by threads of their own, shared state is reached asynchronously. What may block or
/// runs for milliseconds leaves the I/O thread first (<see cref="UseThreadPool(IApplicationBuilder, Func{HttpContext, bool})"/>):
/// operator endpoints, operations the gateway answers from its own database and store, and large request bodies,
/// whose parsing, counting and screening take milliseconds.
/// </summary>
internal static class IoThreads
{
    /// <summary>The runtime's switch, read once, when the process opens its first socket.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>A request body above this many bytes (or of unknown length) is handled on the thread pool.</summary>
    public const long LargeBodyBytes = 64 * 1024;

    /// <summary>
    /// Chooses inline completions for this process unless the variable is already set (<c>0</c> keeps the thread
    /// pool). Called by the serving commands before anything opens a socket; later the runtime has already read it.
    /// </summary>
    public static void PreferInline()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
    }

    /// <summary>Whether socket completions run inline in this process, read as the runtime reads it.</summary>
    public static bool Inline => Environment.GetEnvironmentVariable(InlineCompletionsVariable) == "1";

    /// <summary>One line for the serve command's banner: where requests run, and the variable that chose it.</summary>
    public static string Describe() => Inline
        ? $"Requests run on the socket I/O threads ({InlineCompletionsVariable}=1)."
        : $"Requests run on the thread pool ({InlineCompletionsVariable} is not 1).";

    /// <summary>
    /// Whether a request's body is large enough to leave the I/O thread: declared above <see cref="LargeBodyBytes"/>, or
    /// of unknown length (chunked, or HTTP/2 and HTTP/3 without a content length).
    /// </summary>
    internal static bool IsLarge(HttpContext context) =>
        context.Request.ContentLength is { } length
            ? length > LargeBodyBytes
            : context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false;

    /// <summary>
    /// Runs the rest of the pipeline on the thread pool for requests that match <paramref name="leaves"/> (every
    /// request when it is null). Adds nothing when completions are not inline: the work is on the pool already.
    /// </summary>
    internal static IApplicationBuilder UseThreadPool(this IApplicationBuilder app, Func<HttpContext, bool>? leaves = null) =>
        app.UseThreadPool(Inline, leaves);

    internal static IApplicationBuilder UseThreadPool(this IApplicationBuilder app, bool inline, Func<HttpContext, bool>? leaves)
    {
        if (!inline) return app;
        return app.Use(next => context => leaves is null || leaves(context) ? OnThreadPoolAsync(next, context) : next(context));
    }

    private static async Task OnThreadPoolAsync(RequestDelegate next, HttpContext context)
    {
        // With no synchronization context, a yield queues the continuation to the thread pool.
        await Task.Yield();
        await next(context).ConfigureAwait(false);
    }
}
