namespace Tokengate.Identity;

/// <summary>
/// What checking one presented credential found: the consumer it belongs to, or why it was refused. The reason is for
/// the audit log only; the caller gets the same 401 whatever it is.
/// </summary>
/// <param name="Consumer">The consumer, or null when the credential is not valid.</param>
/// <param name="Refusal">Why it is not valid, from a small set of texts (repeats are aggregated by it); null when valid.</param>
internal readonly record struct CredentialCheck(Consumer? Consumer, string? Refusal)
{
    public static CredentialCheck Valid(Consumer consumer) => new(consumer, null);

    public static CredentialCheck Refused(string reason) => new(null, reason);
}
