namespace Tokengate.Simulator.Responses;

/// <summary>The stream events a simulated response emits, in the service's order (protocol reference part 2, §A.4).</summary>
internal enum ResponseEventKind
{
    Created,
    Queued,
    InProgress,
    OutputItemAdded,
    ContentPartAdded,

    /// <summary><c>response.output_text.delta</c>, or <c>response.function_call_arguments.delta</c> for a call.</summary>
    Delta,

    /// <summary><c>response.output_text.done</c>, or <c>response.function_call_arguments.done</c> for a call.</summary>
    DeltasDone,
    ContentPartDone,
    OutputItemDone,

    /// <summary><c>response.completed</c>, or <c>response.incomplete</c> when the output bound cut the answer.</summary>
    Terminal,
}
