namespace Tokengate.Proxy;

/// <summary>How one backend attempt ended, as the forwarding loop classifies it.</summary>
internal enum AttemptOutcome
{
    /// <summary>No attempt made yet.</summary>
    None,

    /// <summary>The backend answered with a response to relay (2xx, or a consumer error such as 400).</summary>
    Answered,

    /// <summary>429: the backend is cooling until its Retry-After.</summary>
    Throttled,

    /// <summary>An auth/deployment fault of the backend's own configuration (401, 403, 404).</summary>
    Failed,

    /// <summary>5xx or 408: the backend's fault, or the request's if another backend fails it too.</summary>
    ServerError,

    /// <summary>A second backend answered the same request with a server error: relayed, no backend blamed.</summary>
    RequestFailed,

    /// <summary>No response headers within the attempt timeout.</summary>
    TimedOut,

    /// <summary>Connection refused, reset, or TLS failure.</summary>
    ConnectionFailed,
}
