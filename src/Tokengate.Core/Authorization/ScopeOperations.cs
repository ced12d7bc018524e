namespace Tokengate.Authorization;

/// <summary>The operations a scope can grant, as flags so a check is one AND.</summary>
[Flags]
public enum ScopeOperations
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary><c>chat</c>: chat completions.</summary>
    Chat = 1,

    /// <summary><c>completions</c>: legacy completions.</summary>
    Completions = 2,

    /// <summary><c>embeddings</c>.</summary>
    Embeddings = 4,

    /// <summary><c>files</c>: file uploads.</summary>
    Files = 8,

    /// <summary><c>batch</c>: the Batch API.</summary>
    Batch = 16,

    /// <summary><c>fine-tuning</c>: fine-tuning jobs.</summary>
    FineTuning = 32,

    /// <summary><c>responses</c>: the Responses API (create, and the lifecycle calls on the consumer's own responses).</summary>
    Responses = 64,

    /// <summary><c>images</c>: image generation and edits.</summary>
    Images = 128,

    /// <summary><c>audio</c>: transcription, translation and speech.</summary>
    Audio = 256,

    /// <summary><c>realtime</c>: realtime sessions over WebSocket (and, where allowed, ephemeral client secrets).</summary>
    Realtime = 512,

    /// <summary><c>*</c>: every operation, including pass-through of operations the gateway does not meter.</summary>
    All = Chat | Completions | Embeddings | Files | Batch | FineTuning | Responses | Images | Audio | Realtime,
}
