namespace Tokengate.Operations;

/// <summary>How an operation relates to objects that live in one backend (stored responses, background jobs).</summary>
internal enum AffinityRole
{
    /// <summary>Free to go to any backend of its pool.</summary>
    None,

    /// <summary>
    /// Creates an object the backend keeps (a stored response): its id is recorded when first seen; a reference to an
    /// earlier object in the body (<c>previous_response_id</c>) pins the request to that object's backend.
    /// </summary>
    Creates,

    /// <summary>Acts on a stored object named by the route's <c>{id}</c>: only its owner, only on its backend.</summary>
    ActsOnStored,
}
