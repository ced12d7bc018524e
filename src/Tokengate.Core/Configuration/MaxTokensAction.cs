namespace Tokengate.Configuration;

/// <summary>What the gateway does with a request whose output bound is above the cap.</summary>
public enum MaxTokensAction
{
    /// <summary>Rewrite the bound in the body down to the cap and forward.</summary>
    Clamp,

    /// <summary>Answer 400 naming the cap.</summary>
    Reject,
}
