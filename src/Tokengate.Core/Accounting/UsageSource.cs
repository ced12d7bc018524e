namespace Tokengate.Accounting;

/// <summary>How a request's usage became known.</summary>
internal enum UsageSource
{
    /// <summary>No model answered (rejected, or every backend failed): nothing used.</summary>
    None,

    /// <summary>The backend's own <c>usage</c> (response body or the stream's usage chunk).</summary>
    Reported,

    /// <summary>Counted by the gateway: the prompt, plus the completion text delivered before a stream broke.</summary>
    Counted,

    /// <summary>
    /// Measured by the gateway where the backend reports no usage: the images in the answer, the audio's duration from
    /// its container header, the characters of speech input.
    /// </summary>
    Measured,
}
