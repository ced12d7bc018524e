namespace Tokengate.Realtime;

/// <summary>
/// Finds a server event's <c>type</c> in its first bytes without parsing the event: a scan for the top-level
/// <c>"type"</c> member (strings skipped, nesting counted, so a <c>type</c> inside a nested object is not taken for
/// it). Events put <c>type</c> first or after a short <c>event_id</c>, so <see cref="HeadBytes"/> is enough; an event
/// whose type is not found there is relayed unread. Large audio deltas are thus classified from 30-odd bytes.
/// </summary>
internal static class RealtimeEventPeek
{
    /// <summary>How far into an event the type is looked for.</summary>
    public const int HeadBytes = 256;

    private static ReadOnlySpan<byte> TypeName => "type"u8;

    /// <summary>
    /// Classifies the event that starts with <paramref name="head"/>; false when more bytes are needed to tell
    /// (<paramref name="complete"/>: the head is the whole event, or all of <see cref="HeadBytes"/>).
    /// </summary>
    public static bool TryClassify(ReadOnlySpan<byte> head, bool complete, out RealtimeEventKind kind)
    {
        kind = RealtimeEventKind.Other;
        var depth = 0;
        var i = 0;
        while (i < head.Length)
        {
            var b = head[i];
            if (b == (byte)'"')
            {
                var end = StringEnd(head, i + 1);
                if (end < 0) return complete;
                var text = head[(i + 1)..end];
                i = end + 1;
                if (depth != 1 || !text.SequenceEqual(TypeName)) continue;
                i = SkipWhitespace(head, i);
                if (i >= head.Length) return complete;
                if (head[i] != (byte)':') continue;
                i = SkipWhitespace(head, i + 1);
                if (i >= head.Length) return complete;
                if (head[i] != (byte)'"') return true;
                var valueEnd = StringEnd(head, i + 1);
                if (valueEnd < 0) return complete;
                kind = Kind(head[(i + 1)..valueEnd]);
                return true;
            }
            if (b is (byte)'{' or (byte)'[') depth++;
            else if (b is (byte)'}' or (byte)']') depth--;
            i++;
        }
        return complete;
    }

    public static RealtimeEventKind Kind(ReadOnlySpan<byte> type)
    {
        if (type.StartsWith("response."u8))
        {
            if (type.SequenceEqual("response.done"u8)) return RealtimeEventKind.ResponseDone;
            if (type.SequenceEqual("response.created"u8)) return RealtimeEventKind.ResponseCreated;
            if (type.EndsWith(".delta"u8)) return RealtimeEventKind.ResponseDelta;
            return RealtimeEventKind.Other;
        }
        if (type.SequenceEqual("session.created"u8) || type.SequenceEqual("session.updated"u8)) return RealtimeEventKind.Session;
        if (type.SequenceEqual("conversation.item.input_audio_transcription.completed"u8)) return RealtimeEventKind.TranscriptionCompleted;
        return RealtimeEventKind.Other;
    }

    /// <summary>The index of the quote that ends the string starting at <paramref name="start"/>, or -1 when it is not in <paramref name="json"/>.</summary>
    private static int StringEnd(ReadOnlySpan<byte> json, int start)
    {
        for (var j = start; j < json.Length; j++)
        {
            if (json[j] == (byte)'\\') j++;
            else if (json[j] == (byte)'"') return j;
        }
        return -1;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return i;
    }
}
