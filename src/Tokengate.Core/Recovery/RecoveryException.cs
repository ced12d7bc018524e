namespace Tokengate.Recovery;

/// <summary>A backup, verify or restore that cannot go on, with a message for the operator (no stack trace needed).</summary>
internal sealed class RecoveryException : Exception
{
    public RecoveryException(string message)
        : base(message)
    {
    }

    public RecoveryException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public RecoveryException()
    {
    }
}
