namespace Tokengate.Simulator.Realtime;

/// <summary>
/// The billed totals of this instance's realtime sessions, open and closed, newest last; the oldest are forgotten
/// past <see cref="Capacity"/>. Read by tests (<c>SimulatorServer.RealtimeSessions</c>) and by
/// <c>GET /_simulator/realtime/sessions</c>.
/// </summary>
internal sealed class RealtimeSessionLog
{
    public const int Capacity = 1_000;

    private readonly Lock _lock = new();
    private readonly LinkedList<RealtimeBillingState> _sessions = new();
    private readonly Dictionary<string, LinkedListNode<RealtimeBillingState>> _byId = new(StringComparer.Ordinal);

    public void Add(RealtimeBillingState session)
    {
        lock (_lock)
        {
            _byId[session.Id] = _sessions.AddLast(session);
            if (_sessions.Count > Capacity)
            {
                _byId.Remove(_sessions.First!.Value.Id);
                _sessions.RemoveFirst();
            }
        }
    }

    public RealtimeSessionStats? Get(string id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var node) ? node.Value.Snapshot() : null;
        }
    }

    /// <summary>Every remembered session, oldest first.</summary>
    public IReadOnlyList<RealtimeSessionStats> All()
    {
        lock (_lock)
        {
            return [.. _sessions.Select(s => s.Snapshot())];
        }
    }
}
