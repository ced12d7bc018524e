using System.Text.Json;
using Tokengate.OpenAI;

namespace Tokengate.Realtime;

/// <summary>
/// A client-secret request names its deployment in <c>session.model</c>: read into <see cref="ParsedRequest.Model"/>
/// with its place in the body, so a backend that takes the deployment in the body gets its own name there.
/// </summary>
internal static class ClientSecretRequest
{
    /// <summary>False when the body names no <c>session.model</c>. The body is already known to be valid JSON.</summary>
    public static bool TryReadSessionModel(ReadOnlySpan<byte> body, ref ParsedRequest parsed)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isSession = reader.ValueTextEquals("session"u8);
            reader.Read();
            if (!isSession || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                reader.Read();
                if (!isModel || reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }
                parsed.Model = reader.GetString();
                parsed.ModelTokenStart = (int)reader.TokenStartIndex;
                parsed.ModelTokenLength = (int)reader.BytesConsumed - parsed.ModelTokenStart;
                return !string.IsNullOrEmpty(parsed.Model);
            }
            return false;
        }
        return false;
    }
}
