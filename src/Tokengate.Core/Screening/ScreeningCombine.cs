namespace Tokengate.Screening;

/// <summary>How a policy's detector verdicts make one.</summary>
public enum ScreeningCombine
{
    /// <summary>An attack when any detector that answered says so.</summary>
    Any,

    /// <summary>An attack only when every detector that answered says so.</summary>
    All,

    /// <summary>The first detector to answer decides.</summary>
    First,
}
