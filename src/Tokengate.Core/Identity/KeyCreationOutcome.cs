namespace Tokengate.Identity;

/// <summary>How an attempt to store a new key ended.</summary>
internal enum KeyCreationOutcome
{
    Created,
    UnknownConsumer,
    TooManyActiveKeys,
}
