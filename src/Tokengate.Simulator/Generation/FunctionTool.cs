using System.Text.Json;

namespace Tokengate.Simulator.Generation;

/// <summary>A function the request offers the model: its name and its parameters' JSON schema (undefined when absent).</summary>
internal sealed record FunctionTool(string Name, JsonElement Parameters);
