using System.Text.Json;

namespace Tokengate.Screening;

/// <summary>A request's screening in its request log entry: the policy, the combined verdict and each detector's, never the text.</summary>
internal static class ScreeningLogJson
{
    public static void Write(Utf8JsonWriter json, ScreeningResult result)
    {
        json.WriteStartObject("screening");
        json.WriteString("mode", result.Policy.Mode.ToString().ToLowerInvariant());
        json.WriteString("policy", result.Policy.Source);
        json.WriteString("attack", AttackNames.Of(result.Attack));
        json.WriteBoolean("established", result.Established);
        if (result.DecidedBy is { } by) json.WriteString("decidedBy", by.Detector);
        json.WriteStartArray("verdicts");
        foreach (var verdict in result.Verdicts)
        {
            json.WriteStartObject();
            json.WriteString("detector", verdict.Detector);
            json.WriteBoolean("answered", verdict.Answered);
            json.WriteString("attack", AttackNames.Of(verdict.Attack));
            json.WriteNumber("score", Math.Round(verdict.Score, 3));
            json.WriteNumber("ms", Math.Round(verdict.Elapsed.TotalMilliseconds, 2));
            if (verdict.Error is not null) json.WriteString("error", verdict.Error);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
