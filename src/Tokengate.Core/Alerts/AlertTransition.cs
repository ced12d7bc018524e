namespace Tokengate.Alerts;

/// <summary>What one evaluation of an <see cref="AlertState"/> decided.</summary>
internal enum AlertTransition
{
    None,
    Fired,
    Cleared,
}
