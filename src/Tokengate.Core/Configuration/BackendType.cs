namespace Tokengate.Configuration;

/// <summary>The billing and capacity model of a backend deployment.</summary>
public enum BackendType
{
    /// <summary>Pay-as-you-go with TPM / RPM limits.</summary>
    Standard,

    /// <summary>Provisioned throughput units: a utilization bucket instead of TPM / RPM limits.</summary>
    Provisioned,

    /// <summary>
    /// A Global Batch deployment: serves only the Batch API (batches in <c>azure</c> mode are forwarded to it), never a
    /// live request, and its quota is counted in enqueued tokens.
    /// </summary>
    GlobalBatch,

    /// <summary>A Data Zone Batch deployment: as <see cref="GlobalBatch"/>, with data processed in the zone.</summary>
    DataZoneBatch,
}
