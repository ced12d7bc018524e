namespace Tokengate.Secrets;

/// <summary>A parsed <c>keyvault:https://VAULT.vault.azure.net/secrets/NAME[/VERSION]</c> reference.</summary>
internal readonly record struct KeyVaultReference(Uri VaultUri, string Name, string? Version)
{
    public const string Prefix = "keyvault:";

    public static bool TryParse(string reference, out KeyVaultReference parsed, out string? problem)
    {
        parsed = default;
        problem = null;
        if (!reference.StartsWith(Prefix, StringComparison.Ordinal)
            || !Uri.TryCreate(reference[Prefix.Length..], UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttps
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            problem = "must be 'keyvault:https://VAULT.vault.azure.net/secrets/NAME' (optionally '/VERSION').";
            return false;
        }

        var segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length is < 2 or > 3 || segments[0] != "secrets" || !IsValidName(segments[1]) || (segments.Length == 3 && segments[2].Length == 0))
        {
            problem = "must be 'keyvault:https://VAULT.vault.azure.net/secrets/NAME' (optionally '/VERSION'); a name has 1 to 127 letters, digits and dashes.";
            return false;
        }

        parsed = new KeyVaultReference(new Uri(uri.GetLeftPart(UriPartial.Authority)), segments[1], segments.Length == 3 ? segments[2] : null);
        return true;
    }

    private static bool IsValidName(string name)
    {
        if (name.Length is 0 or > 127) return false;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
        }
        return true;
    }

    public override string ToString() => $"secret '{Name}' in {VaultUri.Host}";
}
