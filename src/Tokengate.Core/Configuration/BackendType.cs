namespace Tokengate.Configuration;

/// <summary>The billing and capacity model of a backend deployment.</summary>
public enum BackendType
{
    /// <summary>Pay-as-you-go with TPM / RPM limits.</summary>
    Standard,

    /// <summary>Provisioned throughput units: a utilization bucket instead of TPM / RPM limits.</summary>
    Provisioned,
}
