namespace Tokengate.Batches;

/// <summary>The states of one line of a gateway-run batch.</summary>
internal static class BatchLineState
{
    /// <summary>Not yet run, or to be run again (its last try got no answer).</summary>
    public const string Pending = "pending";

    /// <summary>Claimed by an instance until its lease ends.</summary>
    public const string Running = "running";

    /// <summary>Answered (any status); its result and its ledger row are stored.</summary>
    public const string Done = "done";
}
