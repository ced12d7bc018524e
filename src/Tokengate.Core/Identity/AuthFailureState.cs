namespace Tokengate.Identity;

/// <summary>Failures of one address in its current window; guarded by its own lock, never held across an await.</summary>
internal sealed class AuthFailureState
{
    public Lock Gate { get; } = new();

    public DateTimeOffset WindowStart { get; set; }

    public int Count { get; set; }
}
