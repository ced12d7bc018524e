namespace Tokengate.Accounting;

/// <summary>What usage is summed by.</summary>
public enum UsageGrouping
{
    /// <summary>Per consumer.</summary>
    Consumer,

    /// <summary>Per consumer group.</summary>
    Group,

    /// <summary>Per logical deployment.</summary>
    Deployment,

    /// <summary>Per backend model.</summary>
    Model,

    /// <summary>Per backend deployment.</summary>
    Backend,

    /// <summary>Per priority class.</summary>
    Priority,

    /// <summary>Per <c>service_tier</c> that served the request (<c>priority</c>, <c>default</c>, <c>flex</c>); <c>service_tier</c> on the command line and the admin API.</summary>
    ServiceTier,

    /// <summary>Per operation (<c>chat.completions</c>, <c>images.generations</c>, <c>realtime</c>, ...).</summary>
    Operation,

    /// <summary>
    /// Per modality: one row each for text, audio and image, with that modality's input and output tokens and its
    /// units (images; audio seconds and speech characters). Cost is not split by modality: it is 0 on these rows.
    /// </summary>
    Modality,

    /// <summary>
    /// Per pool that served: a deployment's own pool, a consumer group's dedicated pool, or the shared pool a
    /// dedicated one overflowed to (rows from before the ledger recorded the pool count as their deployment).
    /// </summary>
    Pool,
}
