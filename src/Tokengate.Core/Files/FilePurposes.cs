namespace Tokengate.Files;

/// <summary>The purposes the Files API accepts, and which of them hold JSONL the gateway checks line by line.</summary>
internal static class FilePurposes
{
    public const string FineTune = "fine-tune";
    public const string Batch = "batch";

    /// <summary>A batch's output and error files: written by the gateway, never uploaded.</summary>
    public const string BatchOutput = "batch_output";

    public static readonly string[] All = [FineTune, Batch, "assistants", "vision", "user_data", "evals"];

    public static bool IsKnown(string? purpose) => purpose is not null && Array.IndexOf(All, purpose) >= 0;

    /// <summary>Purposes whose content must be JSONL, checked before it is stored.</summary>
    public static bool IsJsonl(string purpose) => purpose is FineTune or Batch;
}
