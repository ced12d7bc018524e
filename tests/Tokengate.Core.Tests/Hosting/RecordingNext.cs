using Microsoft.AspNetCore.Http;

namespace Tokengate.Hosting;

/// <summary>The <c>next</c> delegate of a step under test: counts its calls and, optionally, plays the later steps.</summary>
internal sealed class RecordingNext(Func<HttpContext, Task>? then = null)
{
    public int Calls { get; private set; }

    public bool Called => Calls > 0;

    public Task InvokeAsync(HttpContext context)
    {
        Calls++;
        return then is null ? Task.CompletedTask : then(context);
    }
}
