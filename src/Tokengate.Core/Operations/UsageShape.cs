namespace Tokengate.Operations;

/// <summary>How an operation's usage is reported, in a JSON body and in a stream.</summary>
internal enum UsageShape
{
    /// <summary>Nothing to meter (lifecycle calls, discovery).</summary>
    None,

    /// <summary>
    /// Top-level <c>usage</c> with <c>prompt_tokens</c> / <c>completion_tokens</c>; a stream reports it in a last chunk
    /// when <c>stream_options.include_usage</c> is set (the gateway asks for it) and ends with <c>data: [DONE]</c>.
    /// </summary>
    Completions,

    /// <summary>
    /// <c>usage</c> with <c>input_tokens</c> / <c>output_tokens</c> on the response object; a stream carries it in its
    /// terminal event (<c>response.completed</c>, <c>.incomplete</c>, <c>.failed</c>) and has no <c>[DONE]</c>.
    /// </summary>
    Responses,

    /// <summary>
    /// Images and audio: top-level <c>usage</c> (tokens by modality, or <c>{type: "duration", seconds}</c>) when the
    /// model reports it, images counted in <c>data</c>; a stream carries usage in its terminal event
    /// (<c>image_generation.completed</c>, <c>transcript.text.done</c>, <c>speech.audio.done</c>). Where the model
    /// reports nothing, the gateway measures (<see cref="OperationDescriptor.Measures"/>).
    /// </summary>
    Media,

    /// <summary>A realtime session: every <c>response.done</c> and input transcription event carries usage, settled as it comes.</summary>
    Realtime,
}
