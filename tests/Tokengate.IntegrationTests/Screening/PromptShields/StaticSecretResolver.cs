using Tokengate.Secrets;

namespace Tokengate.IntegrationTests.Screening.PromptShields;

/// <summary>Resolves every reference to one value (null: none can be read).</summary>
internal sealed class StaticSecretResolver(string? value) : ISecretResolver
{
    public string? Check(string reference) => null;

    public string Resolve(string reference) => value ?? throw new InvalidOperationException($"'{reference}' is not set.");
}
