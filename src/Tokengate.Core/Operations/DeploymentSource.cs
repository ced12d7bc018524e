namespace Tokengate.Operations;

/// <summary>Where an operation's logical deployment (its pool) comes from.</summary>
internal enum DeploymentSource
{
    /// <summary>The route's <c>{deployment}</c> segment on classic routes, the body's <c>model</c> on the others.</summary>
    PathOrModel,

    /// <summary>The body's <c>model</c>, on every route family.</summary>
    Model,

    /// <summary>A stored object's record (<c>{id}</c> in the route): its pool and the backend that holds it.</summary>
    StoredId,

    /// <summary>The query string: <c>deployment</c> on classic routes, <c>model</c> on the others (realtime sessions).</summary>
    Query,

    /// <summary>The body's <c>session.model</c> (realtime client secrets).</summary>
    SessionModel,

    /// <summary>No deployment: the gateway answers itself (model discovery).</summary>
    None,
}
