using Tokengate.OpenAI;

namespace Tokengate.Proxy;

/// <summary>Splices a new <c>model</c> value into a JSON body without re-serializing it.</summary>
internal static class BodyRewriter
{
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
