namespace Tokengate.Simulator.Deployments;

/// <summary>Which operation family a model serves; a mismatch answers 400 <c>OperationNotSupported</c>.</summary>
internal enum ModelKind
{
    Chat,
    Completion,
    Embeddings,

    /// <summary>Realtime models: served over WebSocket at <c>/openai/realtime</c> and <c>/openai/v1/realtime</c> only.</summary>
    Realtime,
}
