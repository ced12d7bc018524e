namespace Tokengate.Screening;

/// <summary>
/// One way of telling whether text sent to a model is an attack: a direct jailbreak in what the user wrote, or an
/// indirect attack hidden in content the application passes along untrusted (tool results, documents, retrieved
/// passages). Implementations are thread-safe singletons; each call screens one request's texts.
/// </summary>
internal interface IPromptDetector
{
    /// <summary>The detector's configuration name (<c>builtin</c>, <c>onnx</c>, <c>promptshields</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Screens <paramref name="input"/>. A detector that cannot answer (down, too slow, misconfigured) returns a
    /// verdict with <see cref="DetectorVerdict.Answered"/> false and the reason, rather than throwing; the policy
    /// decides whether that lets the request through.
    /// </summary>
    ValueTask<DetectorVerdict> ScreenAsync(ScreeningInput input, CancellationToken cancellationToken);
}
