using Microsoft.Extensions.Options;

namespace Tokengate.Alerts;

/// <summary>Checks <see cref="AlertsOptions"/> on start, naming each bad field by its configuration path.</summary>
internal sealed class AlertsOptionsValidator : IValidateOptions<AlertsOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertsOptions o)
    {
        const string P = AlertsOptions.SectionName;
        var errors = new List<string>();
        for (var i = 0; i < o.WebhookUrls.Count; i++)
        {
            if (!Uri.TryCreate(o.WebhookUrls[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                errors.Add($"{P}:WebhookUrls:{i}: must be an absolute http or https URL.");
        }
        if (o.EvaluationInterval < TimeSpan.FromSeconds(1) || o.EvaluationInterval > TimeSpan.FromMinutes(10))
            errors.Add($"{P}:EvaluationInterval: must be 00:00:01 to 00:10:00 (was {o.EvaluationInterval}).");
        if (o.MinimumInterval < TimeSpan.Zero) errors.Add($"{P}:MinimumInterval: must not be negative (was {o.MinimumInterval}).");
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < o.Rules.Count; i++)
        {
            var r = o.Rules[i];
            var at = $"{P}:Rules:{i}";
            if (string.IsNullOrWhiteSpace(r.Name) || !names.Add(r.Name)) errors.Add($"{at}:Name: required and unique (was '{r.Name}').");
            if (string.IsNullOrWhiteSpace(r.Target)) errors.Add($"{at}:Target: a backend or pool name, or '*'.");
            if (r.FireAt is < 0 or > 1000 || r.ClearAt is < 0 or > 1000) errors.Add($"{at}: FireAt and ClearAt are percentages (0 to 1000).");
            if (r.Metric == AlertMetric.Utilization && r.ClearAt >= r.FireAt)
                errors.Add($"{at}:ClearAt: must be below FireAt for utilization (was {r.ClearAt} >= {r.FireAt}).");
            if (r.Metric == AlertMetric.RemainingTokens && r.ClearAt <= r.FireAt)
                errors.Add($"{at}:ClearAt: must be above FireAt for remaining tokens (was {r.ClearAt} <= {r.FireAt}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
