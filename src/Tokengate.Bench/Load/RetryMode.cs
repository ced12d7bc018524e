namespace Tokengate.Bench.Load;

/// <summary>What the load generator does with a throttled or failed request.</summary>
internal enum RetryMode
{
    /// <summary>Record the outcome and move on: measures the raw service.</summary>
    None,

    /// <summary>Retry with exponential backoff, honouring the server's retry delay: measures what a client sees.</summary>
    Exponential,
}
