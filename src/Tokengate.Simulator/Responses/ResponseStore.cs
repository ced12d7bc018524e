namespace Tokengate.Simulator.Responses;

/// <summary>
/// The stored responses of one simulator instance, as one Azure resource keeps them: an id known here is unknown to
/// every other instance, which is what makes a gateway's broken affinity visible. Bounded: past the limit the
/// oldest response is forgotten.
/// </summary>
internal sealed class ResponseStore(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<StoredResponse>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<StoredResponse> _order = new();

    /// <remarks>An evicted background response still settles its usage when its time comes; only its record is gone.</remarks>
    public void Add(StoredResponse response)
    {
        lock (_lock)
        {
            _byId[response.Id] = _order.AddLast(response);
            if (_byId.Count > capacity)
            {
                _byId.Remove(_order.First!.Value.Id);
                _order.RemoveFirst();
            }
        }
    }

    public bool TryGet(string id, out StoredResponse response)
    {
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out var node))
            {
                response = node.Value;
                return true;
            }
        }

        response = null!;
        return false;
    }

    public bool Remove(string id)
    {
        lock (_lock)
        {
            if (!_byId.Remove(id, out var node))
            {
                return false;
            }

            _order.Remove(node);
            return true;
        }
    }
}
