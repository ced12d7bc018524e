using System.Diagnostics;
using System.Text;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>Runs the built <c>tokengate</c> command as a separate process, as a user would.</summary>
internal sealed class TokengateProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TokengateProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _stderr.AppendLine(e.Data); };
        process.Exited += (_, _) => _exited.TrySetResult();
    }

    public string StandardOutput { get { lock (_lock) return _stdout.ToString(); } }

    public string StandardError { get { lock (_lock) return _stderr.ToString(); } }

    public int ExitCode => _process.ExitCode;

    public static TokengateProcess Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tokengate.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var wrapper = new TokengateProcess(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Waits until standard output contains <paramref name="text"/>, or fails after the deadline.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (!StandardOutput.Contains(text, StringComparison.Ordinal))
        {
            if (_exited.Task.IsCompleted) throw new InvalidOperationException($"tokengate exited early.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"'{text}' not printed within {deadline}.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            await Task.WhenAny(_exited.Task, Task.Delay(50));
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
