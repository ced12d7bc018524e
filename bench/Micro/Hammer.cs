namespace Tokengate.Micro;

/// <summary>
/// Runs one operation on <c>threads</c> threads at once, each <c>perThread</c> times, all on the same shared object
/// (one consumer, one backend), started together from a barrier: what many cores serving one consumer do.
/// </summary>
internal sealed class Hammer : IDisposable
{
    private readonly Thread[] _threads;
    private readonly Barrier _start;
    private readonly Barrier _done;
    private volatile Action? _work;
    private volatile bool _stop;

    public Hammer(int threads)
    {
        _start = new Barrier(threads + 1);
        _done = new Barrier(threads + 1);
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Loop) { IsBackground = true };
            _threads[i].Start();
        }
    }

    /// <summary>Runs <paramref name="work"/> once on every thread, in parallel, and returns when all are done.</summary>
    public void Run(Action work)
    {
        _work = work;
        _start.SignalAndWait();
        _done.SignalAndWait();
    }

    private void Loop()
    {
        while (true)
        {
            _start.SignalAndWait();
            if (_stop) return;
            _work!();
            _done.SignalAndWait();
        }
    }

    public void Dispose()
    {
        _stop = true;
        _start.SignalAndWait();
        _start.Dispose();
        _done.Dispose();
    }
}
