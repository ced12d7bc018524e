namespace Tokengate.Assessment;

/// <summary>The five pillars of the Azure Well-Architected Framework, in the guidance's order.</summary>
internal enum AssessmentPillar
{
    /// <summary>Reliability.</summary>
    Reliability,

    /// <summary>Security.</summary>
    Security,

    /// <summary>Cost Optimization.</summary>
    CostOptimization,

    /// <summary>Operational Excellence.</summary>
    OperationalExcellence,

    /// <summary>Performance Efficiency.</summary>
    PerformanceEfficiency,
}
