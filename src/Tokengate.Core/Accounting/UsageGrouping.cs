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
}
