using System.Net.WebSockets;
using Tokengate.OpenAI;

namespace Tokengate.Realtime;

/// <summary>What connecting a session upstream came to: the open socket (the backend is in the request's outcome), or the error to answer with.</summary>
internal readonly record struct RealtimeConnection(ClientWebSocket? Socket, GatewayError? Error);
