namespace Tokengate.Screening;

/// <summary>The ONNX detector's settings (<c>Tokengate:Screening:Onnx</c>).</summary>
public sealed class OnnxDetectorOptions
{
}
