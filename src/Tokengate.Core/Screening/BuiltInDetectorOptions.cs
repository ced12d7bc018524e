namespace Tokengate.Screening;

/// <summary>The built-in detector's settings (<c>Tokengate:Screening:BuiltIn</c>).</summary>
public sealed class BuiltInDetectorOptions
{
}
