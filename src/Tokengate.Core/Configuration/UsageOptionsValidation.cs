namespace Tokengate.Configuration;

/// <summary>Validation of the token, limit, price and budget options, each error prefixed by its configuration path.</summary>
internal static class UsageOptionsValidation
{
    private const string Root = GatewayOptions.SectionName;

    public static void Validate(GatewayOptions options, List<string> errors)
    {
        var t = options.Tokens;
        if (t.DefaultMaxOutputTokens < 1) errors.Add($"{Root}:Tokens:DefaultMaxOutputTokens: must be at least 1 (was {t.DefaultMaxOutputTokens}).");
        if (t.ExactCountMaxBytes < 0) errors.Add($"{Root}:Tokens:ExactCountMaxBytes: must not be negative (was {t.ExactCountMaxBytes}).");
        if (!(t.EstimateBytesPerToken is >= 1 and <= 8)) errors.Add($"{Root}:Tokens:EstimateBytesPerToken: must be between 1 and 8 (was {t.EstimateBytesPerToken}).");
        foreach (var (model, window) in t.ContextWindows)
        {
            if (window < 1) errors.Add($"{Root}:Tokens:ContextWindows:{model}: must be positive (was {window}).");
        }
        foreach (var (model, most) in t.MaxOutputTokens)
        {
            if (most < 1) errors.Add($"{Root}:Tokens:MaxOutputTokens:{model}: must be positive (was {most}).");
        }

        var l = options.Limits;
        Rule(l.Default, $"{Root}:Limits:Default", errors);
        foreach (var (name, rule) in l.Consumers) Rule(rule, $"{Root}:Limits:Consumers:{name}", errors);
        foreach (var (name, rule) in l.Groups) Rule(rule, $"{Root}:Limits:Groups:{name}", errors);
        foreach (var (name, policy) in l.Deployments) MaxTokens(policy, $"{Root}:Limits:Deployments:{name}", errors);

        var a = options.Accounting;
        if (a.LedgerQueueCapacity < 1) errors.Add($"{Root}:Accounting:LedgerQueueCapacity: must be at least 1 (was {a.LedgerQueueCapacity}).");
        if (a.LedgerBatchSize is < 1 or > 5000) errors.Add($"{Root}:Accounting:LedgerBatchSize: must be between 1 and 5000 (was {a.LedgerBatchSize}).");
        if (a.LedgerFlushInterval < TimeSpan.Zero || a.LedgerFlushInterval > TimeSpan.FromSeconds(10))
            errors.Add($"{Root}:Accounting:LedgerFlushInterval: must be between 00:00:00 and 00:00:10 (was {a.LedgerFlushInterval}).");
        if (a.LedgerRetention != TimeSpan.Zero && a.LedgerRetention < TimeSpan.FromDays(1))
            errors.Add($"{Root}:Accounting:LedgerRetention: must be 00:00:00 (keep forever) or at least 1.00:00:00 (was {a.LedgerRetention}).");
        foreach (var (tier, multiplier) in a.ServiceTierMultipliers)
        {
            if (string.IsNullOrWhiteSpace(tier) || multiplier < 0)
                errors.Add($"{Root}:Accounting:ServiceTierMultipliers:{tier}: must name a tier and not be negative (was {multiplier}).");
        }
        foreach (var (model, price) in a.Prices)
        {
            decimal?[] all = [price.Input, price.CachedInput, price.Output, price.AudioInput, price.CachedAudioInput, price.AudioOutput,
                price.ImageInput, price.CachedImageInput, price.ImageOutput, price.PerMinute, price.PerMillionCharacters];
            if (all.Any(p => p < 0) || price.PerImage.Values.Any(p => p < 0))
                errors.Add($"{Root}:Accounting:Prices:{model}: prices must not be negative.");
        }

        var b = options.Budgets;
        if (b.WebhookUrl is not null && (!Uri.TryCreate(b.WebhookUrl, UriKind.Absolute, out var hook) || (hook.Scheme != Uri.UriSchemeHttps && hook.Scheme != Uri.UriSchemeHttp)))
            errors.Add($"{Root}:Budgets:WebhookUrl: must be an absolute http or https URL (was '{b.WebhookUrl}').");
        foreach (var (name, list) in b.Consumers) Budgets(list, $"{Root}:Budgets:Consumers:{name}", errors);
        foreach (var (name, list) in b.Groups) Budgets(list, $"{Root}:Budgets:Groups:{name}", errors);
    }

    private static void Rule(LimitRuleOptions rule, string p, List<string> errors)
    {
        if (rule.TokensPerMinute < 1) errors.Add($"{p}:TokensPerMinute: must be at least 1 when given (was {rule.TokensPerMinute}).");
        if (rule.RequestsPerMinute < 1) errors.Add($"{p}:RequestsPerMinute: must be at least 1 when given (was {rule.RequestsPerMinute}).");
        if (rule.ConcurrentRequests < 1) errors.Add($"{p}:ConcurrentRequests: must be at least 1 when given (was {rule.ConcurrentRequests}).");
        if (rule.MaxTokens is { } policy) MaxTokens(policy, $"{p}:MaxTokens", errors);
    }

    private static void MaxTokens(MaxTokensPolicyOptions policy, string p, List<string> errors)
    {
        if (policy.Cap < 1) errors.Add($"{p}:Cap: must be at least 1 when given (was {policy.Cap}).");
        if (policy.Default < 1) errors.Add($"{p}:Default: must be at least 1 when given (was {policy.Default}).");
        if (policy.Default > policy.Cap) errors.Add($"{p}:Default: must not exceed Cap ({policy.Default} > {policy.Cap}).");
    }

    private static void Budgets(List<BudgetOptions> budgets, string p, List<string> errors)
    {
        for (var i = 0; i < budgets.Count; i++)
        {
            var budget = budgets[i];
            if (budget.Amount <= 0) errors.Add($"{p}:{i}:Amount: must be positive (was {budget.Amount}).");
            if (budget.AlertPercents.Any(x => x is < 1 or > 100)) errors.Add($"{p}:{i}:AlertPercents: each must be between 1 and 100.");
            if (budget.ThrottleRequestsPerMinute < 1) errors.Add($"{p}:{i}:ThrottleRequestsPerMinute: must be at least 1 (was {budget.ThrottleRequestsPerMinute}).");
        }
    }
}
