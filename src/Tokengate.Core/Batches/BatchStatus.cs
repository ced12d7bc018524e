namespace Tokengate.Batches;

/// <summary>The states of a batch, as the Batch API names them.</summary>
internal static class BatchStatus
{
    public const string Validating = "validating";
    public const string Failed = "failed";
    public const string InProgress = "in_progress";
    public const string Finalizing = "finalizing";
    public const string Completed = "completed";
    public const string Expired = "expired";
    public const string Cancelling = "cancelling";
    public const string Cancelled = "cancelled";

    /// <summary>Whether nothing more happens to a batch in this state.</summary>
    public static bool IsTerminal(string status) => status is Failed or Completed or Expired or Cancelled;
}
