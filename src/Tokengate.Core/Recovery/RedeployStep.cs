using System.Text.Json.Nodes;

namespace Tokengate.Recovery;

/// <summary>One API call of a redeploy plan.</summary>
/// <param name="Name">A name later steps refer to (<c>{{name.id}}</c> stands for the id the call returns).</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Url">The full URL on the target endpoint.</param>
/// <param name="Body">A JSON body (create job), or the multipart form fields (upload file: <c>purpose</c>, and <c>file</c> naming the gateway file whose bytes to send).</param>
/// <param name="Check">What to check before or after the call.</param>
internal sealed record RedeployStep(string Name, string Method, string Url, JsonObject Body, string? Check);
