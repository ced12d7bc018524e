using System.Globalization;

namespace Tokengate.IntegrationTests.Telemetry;

/// <summary>Reads samples out of a Prometheus text exposition.</summary>
internal sealed class PrometheusText(string text)
{
    public string Text { get; } = text;

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels)
    {
        double sum = 0;
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal)) continue;
            var rest = line[name.Length..];
            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' ')) continue;
            if (labels.Any(l => !rest.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal))) continue;
            var value = rest[(rest.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            sum += double.Parse(value, CultureInfo.InvariantCulture);
        }
        return sum;
    }

    public bool Has(string name) => Text.Split('\n').Any(l => !l.StartsWith('#') && l.StartsWith(name, StringComparison.Ordinal));
}
