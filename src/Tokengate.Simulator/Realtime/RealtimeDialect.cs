namespace Tokengate.Simulator.Realtime;

/// <summary>
/// The event vocabulary of a session. The preview route (<c>/openai/realtime?api-version=…</c>) speaks the beta
/// protocol; the v1 route (<c>/openai/v1/realtime</c>) speaks the GA one, whose names and session shape differ.
/// </summary>
internal enum RealtimeDialect
{
    /// <summary>The beta protocol: <c>response.text.delta</c>, <c>conversation.item.created</c>, flat session fields.</summary>
    Beta,

    /// <summary>The GA protocol: <c>response.output_text.delta</c>, <c>conversation.item.added</c>/<c>.done</c>, <c>session.audio</c>.</summary>
    GA,
}
