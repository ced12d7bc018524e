namespace Tokengate.Simulator.Responses;

/// <summary>One scheduled stream event: its kind, the output piece it carries (deltas), and when it is due (UTC ticks).</summary>
internal readonly record struct ResponseEvent(ResponseEventKind Kind, int Piece, long DueTicks);
