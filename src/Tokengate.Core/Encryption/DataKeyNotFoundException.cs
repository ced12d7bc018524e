namespace Tokengate.Encryption;

/// <summary>No data key was ever made for the object (<see cref="IEnvelopeEncryption.CreateKeyAsync"/> was not called).</summary>
internal sealed class DataKeyNotFoundException(string objectId)
    : EnvelopeEncryptionException($"No data key exists for '{objectId}'.")
{
    public string ObjectId { get; } = objectId;
}
