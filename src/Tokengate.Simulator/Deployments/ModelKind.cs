namespace Tokengate.Simulator.Deployments;

/// <summary>Which operation family a model serves; a mismatch answers 400 <c>OperationNotSupported</c>.</summary>
internal enum ModelKind
{
    Chat,
    Completion,
    Embeddings,
}
