namespace Tokengate.Simulator.Realtime;

/// <summary>The audio encodings a session accepts and produces.</summary>
internal enum RealtimeAudioFormat
{
    /// <summary>16-bit little-endian PCM, 24 kHz, mono (beta <c>pcm16</c>, GA <c>audio/pcm</c>).</summary>
    Pcm16,

    /// <summary>G.711 μ-law, 8 kHz (beta <c>g711_ulaw</c>, GA <c>audio/pcmu</c>).</summary>
    G711Ulaw,

    /// <summary>G.711 A-law, 8 kHz (beta <c>g711_alaw</c>, GA <c>audio/pcma</c>).</summary>
    G711Alaw,
}
