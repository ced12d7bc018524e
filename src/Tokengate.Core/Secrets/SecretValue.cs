namespace Tokengate.Secrets;

/// <summary>A resolved secret with the reference it came from.</summary>
internal readonly record struct SecretValue(string Reference, string Value)
{
    /// <summary>Only the reference: a record's generated text would print the value.</summary>
    public override string ToString() => Reference;
}
