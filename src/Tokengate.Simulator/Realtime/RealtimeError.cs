namespace Tokengate.Simulator.Realtime;

/// <summary>What an <c>error</c> event carries: <c>{type, code, message, param, event_id}</c>.</summary>
internal sealed record RealtimeError(string Code, string Message, string? Param, string Type = "invalid_request_error")
{
    public static RealtimeError From((string Message, string? Param, string? Code) error) =>
        new(error.Code ?? "invalid_value", error.Message, error.Param);

    public static RealtimeError UnknownParameter(string param) =>
        new("unknown_parameter", $"Unknown parameter: '{param}'.", param);

    public static RealtimeError Missing(string param) =>
        new("missing_required_parameter", $"Missing required parameter: '{param}'.", param);

    public static RealtimeError InvalidType(string param, string expected) =>
        new("invalid_type", $"Invalid type for '{param}': expected {expected}.", param);

    public static RealtimeError InvalidValue(string param, string message) => new("invalid_value", message, param);
}
