namespace Tokengate.Simulator.Limits;

internal enum ThrottleReason
{
    None,
    Tokens,
    Requests,
    Utilization,
}
