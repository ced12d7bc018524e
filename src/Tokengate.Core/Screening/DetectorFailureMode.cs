namespace Tokengate.Screening;

/// <summary>What a detector that did not answer means for a request screened in mode <c>Block</c>.</summary>
public enum DetectorFailureMode
{
    /// <summary>It is left out (and counted); the detectors that answered decide.</summary>
    Open,

    /// <summary>When the verdict cannot be established without it, the request is refused (503 <c>ScreeningUnavailable</c>).</summary>
    Closed,
}
