namespace Tokengate.Simulator.Responses;

/// <summary>
/// A response as it stands at one moment: its status, how many output pieces exist by then, whether the output item
/// has started, and whether it is final (then usage is reported).
/// </summary>
internal readonly record struct ResponseView(string Status, int Pieces, bool ItemStarted, bool Final)
{
    public static readonly ResponseView Queued = new("queued", 0, false, false);

    public static readonly ResponseView Starting = new("in_progress", 0, false, false);
}
