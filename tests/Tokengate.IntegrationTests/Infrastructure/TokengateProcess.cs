using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>Runs the built <c>tokengate</c> command as a separate process, as a user would.</summary>
internal sealed class TokengateProcess : IAsyncDisposable
{
    private const int SigTerm = 15;

    // Every process still running when the test host exits is killed, so a test that never reached its dispose
    // (an aborted run) leaves no gateway behind listening on a port.
    private static readonly List<Process> Running = [];

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static TokengateProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        lock (Running)
        {
            foreach (var process in Running)
            {
                try
                {
                    if (!process.HasExited) process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        }
    };

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

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    public static TokengateProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, [], args);

    /// <summary>
    /// Starts <c>tokengate</c> with <paramref name="environment"/> added to this process's environment: the way to hand
    /// it secrets that its configuration names as <c>env:</c> references, never on the command line.
    /// </summary>
    public static TokengateProcess Start(string workingDirectory, IEnumerable<KeyValuePair<string, string>> environment, params string[] args) =>
        StartWithout(workingDirectory, [], environment, args);

    /// <summary>As <see cref="Start(string, IEnumerable{KeyValuePair{string, string}}, string[])"/>, with the variables named in <paramref name="unset"/> removed from the inherited environment.</summary>
    public static TokengateProcess StartWithout(string workingDirectory, IEnumerable<string> unset, IEnumerable<KeyValuePair<string, string>> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tokengate.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in unset) start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var wrapper = new TokengateProcess(process);
        process.Start();
        lock (Running) Running.Add(process);
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

    /// <summary>Runs one CLI command to its end: its exit code and what it wrote (standard output, then standard error).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan deadline, params string[] args)
    {
        await using var cli = Start(workingDirectory, args);
        var exitCode = await cli.WaitForExitAsync(deadline);
        return (exitCode, cli.StandardOutput + cli.StandardError);
    }

    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process ends at once, with no chance to finish requests or flush anything (a crash, an OOM kill).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager or Kubernetes stops a process, then waits for it to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan deadline)
    {
        if (!_process.HasExited && SendSignal(_process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}.");
        return await WaitForExitAsync(deadline);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        lock (Running) Running.Remove(_process);
        _process.Dispose();
    }

    // kill(2); DllImport rather than LibraryImport, which would need unsafe code enabled for one int-only call.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
