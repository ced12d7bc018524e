namespace Tokengate.Operations;

/// <summary>How an operation's prompt is laid out, for counting and estimating it.</summary>
internal enum PromptShape
{
    /// <summary>No prompt: nothing is generated or embedded.</summary>
    None,

    /// <summary><c>messages</c>: role/content messages with the chat format's per-message overhead.</summary>
    Messages,

    /// <summary><c>prompt</c> or <c>input</c>: a string, strings, or token arrays.</summary>
    Inputs,

    /// <summary>A form field's text (<c>prompt</c> of a multipart upload): plain UTF-8, not JSON.</summary>
    FormText,

    /// <summary>Responses <c>input</c> (a string or items) plus <c>instructions</c>.</summary>
    ResponseItems,
}
