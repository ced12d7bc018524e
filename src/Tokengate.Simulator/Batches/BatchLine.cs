namespace Tokengate.Simulator.Batches;

/// <summary>One request of the input and the answer it gets: a status, the body as JSON text and its tokens.</summary>
internal sealed record BatchLine(string CustomId, int StatusCode, string Body, int InputTokens, int OutputTokens)
{
    public bool Succeeded => StatusCode == 200;
}
