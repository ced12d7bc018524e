namespace Tokengate.Batches;

/// <summary>One line of a gateway-run batch, claimed by this instance: its request body in plain text.</summary>
internal sealed record BatchLine(string BatchId, int Line, string CustomId, int Attempts, byte[] Body);
