namespace Tokengate.Secrets;

/// <summary>Resolves <c>env:NAME</c> references from the process environment.</summary>
internal sealed class EnvironmentSecretResolver : ISecretResolver
{
    private const string EnvPrefix = "env:";

    public string? Check(string reference)
    {
        if (!reference.StartsWith(EnvPrefix, StringComparison.Ordinal) || reference.Length == EnvPrefix.Length)
            return "must be a secret reference such as 'env:AZURE_OPENAI_KEY'; secrets are never accepted in plain configuration.";
        var name = reference[EnvPrefix.Length..];
        return string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))
            ? $"the environment variable '{name}' is not set or empty."
            : null;
    }

    public string Resolve(string reference)
    {
        if (Check(reference) is { } problem) throw new InvalidOperationException(problem);
        return Environment.GetEnvironmentVariable(reference[EnvPrefix.Length..])!;
    }
}
