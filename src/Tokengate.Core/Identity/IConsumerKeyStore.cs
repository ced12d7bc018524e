namespace Tokengate.Identity;

/// <summary>Finds the consumer that owns a presented key.</summary>
public interface IConsumerKeyStore
{
    /// <summary>Looks the key up by its hash; never compares plain keys.</summary>
    bool TryFind(ReadOnlySpan<char> key, out Consumer consumer);
}
