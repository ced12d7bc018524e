namespace Tokengate.Priority;

/// <summary>A priority class: its name and rank (0 is the highest), and its compiled headroom and waiting rules.</summary>
internal sealed record PriorityClass(string Name, int Rank)
{
    /// <summary>What the class does when no backend has room for it.</summary>
    public WhenFull WhenFull { get; init; } = WhenFull.Spill;

    /// <summary>The longest a request of the class waits in the queue; zero: it never waits.</summary>
    public TimeSpan MaxWait { get; init; }

    /// <summary>How many requests of one consumer may wait in one pool's queue.</summary>
    public int MaxQueuedPerConsumer { get; init; } = PriorityPolicy.DefaultMaxQueuedPerConsumer;

    /// <summary>The class's provisioned utilization threshold (percent); null: the pool's spillover threshold.</summary>
    public double? ProvisionedUtilizationPercent { get; init; }

    /// <summary>True when a request of the class uses the provisioned backend anyway once nothing else is available.</summary>
    public bool FallsBackToProvisioned => Rank == 0 || WhenFull == WhenFull.Spill;
}
