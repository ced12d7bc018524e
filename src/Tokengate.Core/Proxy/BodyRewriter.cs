using System.Buffers;
using Tokengate.OpenAI;

namespace Tokengate.Proxy;

/// <summary>Splices new values into a JSON body without re-serializing it.</summary>
internal static class BodyRewriter
{
    /// <summary>
    /// Applies <paramref name="edits"/> (non-overlapping, in any order) in one copy into a rented buffer, and moves
    /// the offsets in <paramref name="parsed"/> so they point into the new body.
    /// </summary>
    public static (byte[] Rented, int Length) Apply(ReadOnlySpan<byte> source, List<BodyEdit> edits, ref ParsedRequest parsed)
    {
        edits.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
        var length = source.Length;
        foreach (var edit in edits) length += edit.Delta;
        var result = ArrayPool<byte>.Shared.Rent(length);
        int from = 0, to = 0;
        foreach (var edit in edits)
        {
            source[from..edit.Offset].CopyTo(result.AsSpan(to));
            to += edit.Offset - from;
            edit.Replacement.CopyTo(result.AsSpan(to));
            to += edit.Replacement.Length;
            from = edit.Offset + edit.Length;
        }
        source[from..].CopyTo(result.AsSpan(to));

        parsed.ModelTokenStart = Shift(parsed.ModelTokenStart, edits);
        parsed.PromptStart = Shift(parsed.PromptStart, edits);
        parsed.ToolsStart = Shift(parsed.ToolsStart, edits);
        parsed.MaxTokensStart = Shift(parsed.MaxTokensStart, edits);
        parsed.MaxCompletionTokensStart = Shift(parsed.MaxCompletionTokensStart, edits);
        parsed.MaxOutputTokensStart = Shift(parsed.MaxOutputTokensStart, edits);
        parsed.InstructionsStart = Shift(parsed.InstructionsStart, edits);
        parsed.StreamOptionsStart = Shift(parsed.StreamOptionsStart, edits);
        parsed.IncludeUsageStart = Shift(parsed.IncludeUsageStart, edits);
        parsed.ServiceTierMemberStart = Shift(parsed.ServiceTierMemberStart, edits);
        parsed.ServiceTierStart = Shift(parsed.ServiceTierStart, edits);
        return (result, length);
    }

    /// <summary>One edit applied into a new array of the exact size (a per-backend body, which the request message keeps), the offsets moved along.</summary>
    public static byte[] Applied(ReadOnlySpan<byte> source, BodyEdit edit, ref ParsedRequest parsed)
    {
        var result = new byte[source.Length + edit.Delta];
        source[..edit.Offset].CopyTo(result);
        edit.Replacement.CopyTo(result.AsSpan(edit.Offset));
        source[(edit.Offset + edit.Length)..].CopyTo(result.AsSpan(edit.Offset + edit.Replacement.Length));
        List<BodyEdit> edits = [edit];
        parsed.ModelTokenStart = Shift(parsed.ModelTokenStart, edits);
        return result;
    }

    /// <summary>A value that starts after an edit moves by the edit's change in length; one that an edit replaces stays.</summary>
    private static int Shift(int offset, List<BodyEdit> edits)
    {
        var shifted = offset;
        foreach (var edit in edits)
        {
            if (offset > edit.Offset || (edit.Length == 0 && offset == edit.Offset && offset != 0)) shifted += edit.Delta;
        }
        return shifted;
    }

    public static byte[] WithModel(ReadOnlyMemory<byte> body, in ParsedRequest parsed, ReadOnlyMemory<byte> modelJsonString)
    {
        var source = body.Span;
        var model = modelJsonString.Span;
        if (parsed.ModelTokenLength > 0)
        {
            var result = new byte[source.Length - parsed.ModelTokenLength + model.Length];
            source[..parsed.ModelTokenStart].CopyTo(result);
            model.CopyTo(result.AsSpan(parsed.ModelTokenStart));
            source[(parsed.ModelTokenStart + parsed.ModelTokenLength)..].CopyTo(result.AsSpan(parsed.ModelTokenStart + model.Length));
            return result;
        }

        // No model in the body (a classic route): insert it as the first member.
        var brace = source.IndexOf((byte)'{');
        var rest = source[(brace + 1)..];
        var isEmptyObject = rest.TrimStart(" \t\r\n"u8).StartsWith("}"u8);
        ReadOnlySpan<byte> prefix = "\"model\":"u8;
        var separator = isEmptyObject ? ""u8 : ","u8;
        var inserted = new byte[source.Length + prefix.Length + model.Length + separator.Length];
        var at = 0;
        source[..(brace + 1)].CopyTo(inserted);
        at += brace + 1;
        prefix.CopyTo(inserted.AsSpan(at));
        at += prefix.Length;
        model.CopyTo(inserted.AsSpan(at));
        at += model.Length;
        separator.CopyTo(inserted.AsSpan(at));
        at += separator.Length;
        rest.CopyTo(inserted.AsSpan(at));
        return inserted;
    }
}
