using System.Globalization;
using System.Text;

namespace Tokengate.Simulator.Media;

/// <summary>Transcripts as SubRip (<c>srt</c>) and WebVTT (<c>vtt</c>) text, one cue per segment.</summary>
internal static class SubtitleWriter
{
    public static string Srt(Transcript transcript)
    {
        var text = new StringBuilder();
        foreach (var segment in transcript.Segments)
        {
            text.Append(CultureInfo.InvariantCulture, $"{segment.Id + 1}\n{Time(segment.Start, ',')} --> {Time(segment.End, ',')}\n{segment.Text}\n\n");
        }

        return text.ToString();
    }

    public static string Vtt(Transcript transcript)
    {
        var text = new StringBuilder("WEBVTT\n\n");
        foreach (var segment in transcript.Segments)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Time(segment.Start, '.')} --> {Time(segment.End, '.')}\n{segment.Text}\n\n");
        }

        return text.ToString();
    }

    /// <summary><c>hh:mm:ss,mmm</c> (SubRip) or <c>hh:mm:ss.mmm</c> (WebVTT).</summary>
    private static string Time(double seconds, char separator)
    {
        var ms = (long)Math.Round(seconds * 1000);
        return string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000:00}:{ms / 60_000 % 60:00}:{ms / 1000 % 60:00}{separator}{ms % 1000:000}");
    }
}
