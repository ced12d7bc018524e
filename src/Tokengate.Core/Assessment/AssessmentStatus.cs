namespace Tokengate.Assessment;

/// <summary>The result of one check, ordered from least to most severe so that an item takes the worst of its findings.</summary>
internal enum AssessmentStatus
{
    /// <summary>The item does not apply to this configuration (for example PTU monitoring without a provisioned backend).</summary>
    NotApplicable,

    /// <summary>The configuration does what the guidance asks.</summary>
    Pass,

    /// <summary>Allowed, but short of the guidance; the finding says what to change.</summary>
    Warn,

    /// <summary>The configuration contradicts the guidance; <c>tokengate assess</c> exits 1.</summary>
    Fail,
}
