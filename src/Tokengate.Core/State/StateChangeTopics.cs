namespace Tokengate.State;

/// <summary>The topics features publish on <see cref="IStateChangeNotifier"/>.</summary>
internal static class StateChangeTopics
{
    /// <summary>Consumers, keys or roles changed (e.g. a key was revoked): drop cached identities.</summary>
    public const string Consumers = "consumers";

    /// <summary>Settings written through the admin API changed: re-read the managed settings.</summary>
    public const string Settings = "settings";

    /// <summary>A backend was drained or resumed: re-read the drained backends.</summary>
    public const string BackendDrains = "backend-drains";
}
