using System.Text.Json;

namespace Tokengate.Simulator.Generation;

/// <summary>The requested answer format; <see cref="Schema"/> is set for <see cref="OutputFormatKind.JsonSchema"/>.</summary>
internal sealed record OutputFormat(OutputFormatKind Kind, JsonElement Schema)
{
    public static readonly OutputFormat Text = new(OutputFormatKind.Text, default);
}
