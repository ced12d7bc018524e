namespace Tokengate.Priority;

/// <summary>
/// Headroom and waiting for one priority class (<c>Tokengate:Priority:Policies:{class}</c>). Every setting is optional;
/// the defaults depend on the class's place in <see cref="PriorityOptions.Classes"/>.
/// </summary>
public sealed class PriorityClassOptions
{
    /// <summary>
    /// The class uses a provisioned backend only while its utilization (the fresher and higher of the
    /// <c>azure-openai-deployment-utilization</c> header and the gateway's own count against
    /// <c>ProvisionedTokensPerMinute</c>) is below this percent; the rest is headroom kept for higher classes. Default:
    /// 100 for the highest class (up to the backend's own 429), 70 for the lowest, the pool's
    /// <c>SpilloverUtilizationPercent</c> for the classes between. 0 never skips a provisioned backend for this class.
    /// A pool may override it in <c>ClassUtilizationPercent</c>.
    /// </summary>
    public double? ProvisionedUtilizationPercent { get; set; }

    /// <summary>
    /// What a request does when the provisioned backends are at or above its class's threshold:
    /// <see cref="Priority.WhenFull.Spill"/> (to pay-as-you-go, else the provisioned backend anyway; the default for every
    /// class but the lowest) or <see cref="Priority.WhenFull.Wait"/> (the default for the lowest class: in a pool with
    /// provisioned backends it uses only those, and waits up to <c>MaxWait</c> for room on them rather than pay for
    /// pay-as-you-go; in a pool without, it uses the pay-as-you-go backends and waits only when all of them rest).
    /// The highest class always spills.
    /// </summary>
    public WhenFull? WhenFull { get; set; }

    /// <summary>
    /// The longest a request of this class waits in the queue, for a backend with room or for the consumer's own rate
    /// limit window, before it gets the 429 or 503 it would have got at once. Default 30 seconds for the lowest class,
    /// 0 (no waiting) for the others. A client may shorten it per request with the <c>MaxWaitHeader</c> header. At most 10 minutes.
    /// </summary>
    public TimeSpan? MaxWait { get; set; }

    /// <summary>How many requests of one consumer may wait in one pool's queue at once; past it, a request is answered at once. Default 16.</summary>
    public int? MaxQueuedPerConsumer { get; set; }
}
