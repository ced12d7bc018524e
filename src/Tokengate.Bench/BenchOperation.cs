namespace Tokengate.Bench;

/// <summary>What each load request asks for.</summary>
internal enum BenchOperation
{
    /// <summary>Chat completions.</summary>
    Chat,

    /// <summary>Embeddings of one input text.</summary>
    Embeddings,
}
