using Tokengate.OpenAI;

namespace Tokengate.Identity;

/// <summary>The result of an admin operation: a value, or the error to answer with.</summary>
internal sealed record AdminResult<T>(T? Value, GatewayError? Error) where T : class
{
    public static implicit operator AdminResult<T>(T value) => new(value, null);

    public static implicit operator AdminResult<T>(GatewayError error) => new(null, error);
}
