namespace Tokengate.Batches;

/// <summary>A finished line as the output files need it: its status and the answer (or the gateway's error) in plain text.</summary>
internal sealed record BatchLineResult(int Line, string CustomId, int StatusCode, byte[] Body);
