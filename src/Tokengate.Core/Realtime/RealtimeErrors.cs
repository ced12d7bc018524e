using System.Buffers;
using System.Text;
using System.Text.Json;
using Tokengate.OpenAI;

namespace Tokengate.Realtime;

/// <summary>
/// The gateway's own answers on the realtime routes: HTTP errors before the upgrade (Azure shape), and after it the
/// <c>error</c> server event a session ends with (the shape the service uses, so SDKs surface it) and the close reason.
/// </summary>
internal static class RealtimeErrors
{
    /// <summary>RFC 6455: a close frame's reason is at most 123 bytes of UTF-8.</summary>
    public const int MaxCloseReasonBytes = 123;

    public static GatewayError NotWebSocket { get; } = new(400, "invalid_request_error",
        "The realtime API is served over WebSocket: send a WebSocket upgrade request (GET with 'Upgrade: websocket').", "invalid_request_error");

    /// <summary>A minted secret would let the browser reach the backend directly: the gateway could neither meter nor revoke that session.</summary>
    public static GatewayError ClientSecretsRefused(bool forEveryone) => new(403, "client_secrets_not_allowed",
        (forEveryone ? "This gateway does not mint realtime client secrets. " : "Realtime client secrets are not minted for consumers with usage limits or budgets. ")
        + "A client secret lets the browser connect to the backend directly (WebRTC), where the gateway can neither meter the session nor end it "
        + "when its key is revoked or its budget is spent. Connect over the gateway's WebSocket instead: "
        + "wss://<gateway>/openai/v1/realtime?model=<deployment> with the gateway key in the 'api-key' header, 'Authorization: Bearer', "
        + "the 'api-key' query parameter (browsers), or the 'openai-insecure-api-key.<key>' subprotocol.",
        "invalid_request_error");

    /// <summary>The body of a client-secret request names its deployment in <c>session.model</c>.</summary>
    public static GatewayError MissingSessionModel { get; } = new(400, "missing_model",
        "The request body must name the deployment in 'session.model'.", "invalid_request_error", "session.model");

    /// <summary>
    /// An <c>error</c> server event: <c>{"type":"error","event_id":…,"error":{"type","code","message","param":null,"event_id":null}}</c>.
    /// </summary>
    public static byte[] Event(string type, string code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type"u8, "error"u8);
            json.WriteString("event_id"u8, "event_tg" + Guid.NewGuid().ToString("N")[..20]);
            json.WriteStartObject("error"u8);
            json.WriteString("type"u8, type);
            json.WriteString("code"u8, code);
            json.WriteString("message"u8, message);
            json.WriteNull("param"u8);
            json.WriteNull("event_id"u8);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><paramref name="reason"/> cut to what a close frame can carry, never inside a UTF-8 sequence.</summary>
    public static string CloseReason(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= MaxCloseReasonBytes) return reason;
        var length = reason.Length;
        while (length > 0 && Encoding.UTF8.GetByteCount(reason.AsSpan(0, length)) > MaxCloseReasonBytes - 3) length--;
        if (length > 0 && char.IsHighSurrogate(reason[length - 1])) length--;
        return string.Concat(reason.AsSpan(0, length), "...");
    }
}
