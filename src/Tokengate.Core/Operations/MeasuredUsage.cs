namespace Tokengate.Operations;

/// <summary>What the gateway measures itself when a media model reports no usage.</summary>
internal enum MeasuredUsage
{
    /// <summary>Nothing: the model always reports, or the operation is not metered.</summary>
    None,

    /// <summary>The images answered (from the response's <c>data</c>), with the size and quality asked for.</summary>
    Images,

    /// <summary>The uploaded audio's duration, read from its container header (WAV, MP3), else estimated from its size.</summary>
    AudioDuration,

    /// <summary>The characters of the speech input.</summary>
    Characters,
}
