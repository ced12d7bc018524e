using System.Net;

namespace Tokengate.Audit;

/// <summary>What makes two failures repeats of each other within an aggregation interval.</summary>
internal readonly record struct FailureKey(string Action, string Actor, IPAddress? Address, string Reason);
