using Tokengate.Authorization;

namespace Tokengate.Operations;

/// <summary>
/// Everything the gateway needs to serve one operation: its routes, how its request is read and admitted, how its
/// usage is reported, what it is called in scopes and telemetry, and where it goes on each kind of backend. Adding an
/// operation is one descriptor in <see cref="OperationRegistry"/> (plus simulator support and tests); no code
/// elsewhere switches over operations.
/// </summary>
internal sealed class OperationDescriptor
{
    /// <summary>The operation's name in documentation and logs, e.g. <c>responses.create</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The scope operation a consumer needs (<c>Access:Scopes:*:Operations</c>); <see cref="ScopeOperations.None"/> when anyone may call it.</summary>
    public required ScopeOperations Scope { get; init; }

    /// <summary>The <c>tokengate.operation</c> tag on metrics, spans and logs (OpenTelemetry's <c>gen_ai.operation.name</c> where one applies).</summary>
    public required string TelemetryName { get; init; }

    /// <summary>The operation's name in Azure's own error messages (e.g. <c>chatCompletion</c>).</summary>
    public required string AzureName { get; init; }

    public required IReadOnlyList<OperationRoute> Routes { get; init; }

    public BodyKind Body { get; init; } = BodyKind.Json;

    public DeploymentSource Deployment { get; init; } = DeploymentSource.PathOrModel;

    public PromptShape Prompt { get; init; } = PromptShape.None;

    /// <summary>
    /// The body fields that bound the output per choice, in the order the service honours them (the first present
    /// wins); empty when the operation generates nothing. The max-tokens policy clamps or writes the first.
    /// </summary>
    public IReadOnlyList<string> OutputBoundFields { get; init; } = [];

    /// <summary>Chat-style streams report usage only when asked: the gateway asks on the consumer's behalf and strips it again.</summary>
    public bool AsksForStreamUsage { get; init; }

    /// <summary>
    /// Its body takes <c>service_tier</c> (chat completions, Responses): the gateway writes the backend's tier for the
    /// request's priority class into it, and reads the tier that served it from the answer.
    /// </summary>
    public bool TakesServiceTier { get; init; }

    /// <summary>How its usage is reported and its streams end (<see cref="UsageShape.None"/>: relayed as they are).</summary>
    public UsageShape Usage { get; init; } = UsageShape.None;

    public AffinityRole Affinity { get; init; } = AffinityRole.None;

    /// <summary>What the gateway measures when the model reports no usage (dall-e-3 images, whisper text formats, tts-1 characters).</summary>
    public MeasuredUsage Measures { get; init; } = MeasuredUsage.None;

    /// <summary>A WebSocket session (realtime) rather than a request and its response.</summary>
    public bool WebSocket { get; init; }

    /// <summary>
    /// It mints a credential that reaches the backend directly (realtime client secrets): the gateway could neither
    /// meter nor revoke what that credential does, so it is refused where <c>Realtime:ClientSecrets</c> says.
    /// </summary>
    public bool MintsCredential { get; init; }

    /// <summary>The gateway's own answer, for operations never forwarded (model discovery); null for the others.</summary>
    public Microsoft.AspNetCore.Http.RequestDelegate? Answer { get; init; }

    /// <summary>Answered by the gateway itself, never forwarded.</summary>
    public bool AnsweredByGateway => Answer is not null;

    /// <summary>Where it goes on a backend; null when answered by the gateway.</summary>
    public UpstreamShape? Upstream { get; init; }

    /// <summary>
    /// Whether the gateway admits it against token limits and budgets and meters its usage. By default, when it has
    /// a usage shape; a lifecycle call reads the shape (to relay and end its streams properly) without being metered.
    /// </summary>
    public bool Metered { get; init; } = true;

    /// <summary>Whether it produces output that a max-tokens policy bounds.</summary>
    public bool Generates => OutputBoundFields.Count > 0;

    public override string ToString() => Name;
}
