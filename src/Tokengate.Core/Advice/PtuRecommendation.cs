namespace Tokengate.Advice;

/// <summary>What the PAYG-versus-PTU comparison recommends.</summary>
internal enum PtuRecommendation
{
    /// <summary>Stay on pay-as-you-go (standard) deployments.</summary>
    Payg,

    /// <summary>Buy provisioned throughput, with PAYG for the spillover.</summary>
    Ptu,
}
