namespace Tokengate.Simulator.Files;

/// <summary>The purposes a client may give a file, and the service's texts about them.</summary>
internal static class FilePurposes
{
    public const string FineTune = "fine-tune";
    public const string FineTuneResults = "fine-tune-results";

    // Azure's expiry bounds for expires_after.seconds: 14 to 30 days.
    public const long MinExpirySeconds = 1_209_600;
    public const long MaxExpirySeconds = 2_592_000;

    private static readonly string[] Creatable = ["fine-tune", "assistants", "batch", "vision", "user_data", "evals"];

    public static bool IsCreatable(string purpose) => Creatable.Contains(purpose, StringComparer.Ordinal);

    public static (string Message, string? Param, string? Code) Invalid(string purpose) =>
        ($"'{purpose}' is not one of ['fine-tune', 'assistants', 'batch', 'vision', 'user_data', 'evals'] - 'purpose'", "purpose", "invalid_value");
}
