namespace Tokengate.Simulator.Protocol;

/// <summary>
/// Thrown to cut a stream mid-way. An exception after the response has started makes Kestrel close the connection
/// without the final chunk but after sending what was flushed, which is what a broken upstream looks like to a
/// client. <c>HttpContext.Abort()</c> would instead discard output still queued in the transport, so the client
/// could lose the chunks (even the headers) it should have received before the cut.
/// </summary>
internal sealed class SimulatedStreamCutException : Exception
{
    public SimulatedStreamCutException()
        : base("Simulated mid-stream connection cut.")
    {
    }

    public SimulatedStreamCutException(string message)
        : base(message)
    {
    }

    public SimulatedStreamCutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
