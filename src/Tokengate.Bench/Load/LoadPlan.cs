using Tokengate.Bench.Tokens;

namespace Tokengate.Bench.Load;

/// <summary>A validated <see cref="LoadOptions"/>, with the hard bounds every run stays within.</summary>
internal sealed record LoadPlan(
    Uri Endpoint, string Deployment, string ApiKey, BenchApi Api, string ApiVersion, BenchOperation Operation, RequestShape Shape,
    bool Stream, double? Rate, int? Clients, TimeSpan Warmup, TimeSpan Duration, long MaxRequests, TimeSpan Window, RetryMode Retry, TimeSpan Timeout)
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(24);
    public const double DefaultDurationSeconds = 60;
    public const long DefaultMaxRequests = 1_000_000;
    public const long MaxRequestsLimit = 100_000_000;
    public const double MaxRate = 6_000_000;
    public const int MaxClients = 10_000;
    public const double MaxTimeoutSeconds = 600;

    /// <summary>The plan, or null with every problem found, each a sentence a user can act on.</summary>
    public static LoadPlan? Create(LoadOptions o, out List<string> errors)
    {
        errors = [];
        Uri? endpoint = null;
        if (string.IsNullOrWhiteSpace(o.Endpoint))
        {
            errors.Add("--endpoint is required, e.g. --endpoint https://NAME.openai.azure.com.");
        }
        else if (!Uri.TryCreate(o.Endpoint, UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
            || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0 || endpoint.UserInfo.Length > 0)
        {
            errors.Add($"--endpoint '{o.Endpoint}' is not an http(s) address without query or credentials, e.g. https://NAME.openai.azure.com.");
        }

        if (string.IsNullOrWhiteSpace(o.Deployment))
        {
            errors.Add("--deployment is required: the deployment (or, on the v1 routes, model) name.");
        }

        if (string.IsNullOrEmpty(o.ApiKey))
        {
            errors.Add($"No API key: set the environment variable {o.ApiKeyEnv} (or name another with --api-key-env).");
        }

        if (o.Api == BenchApi.AzureClassic && string.IsNullOrWhiteSpace(o.ApiVersion))
        {
            errors.Add("--api-version must not be empty on the classic routes.");
        }

        var shape = RequestShape.Resolve(o.Shape, o.ContextTokens, o.MaxTokens, out var shapeError);
        if (shapeError is not null)
        {
            errors.Add(shapeError);
        }

        if (shape is not null && o.Operation == BenchOperation.Chat && shape.ContextTokens <= PromptFactory.ChatOverhead(BenchTokenizer.Default))
        {
            errors.Add($"A chat prompt needs more than {PromptFactory.ChatOverhead(BenchTokenizer.Default)} context tokens (the message framing alone).");
        }

        if (o.Operation == BenchOperation.Embeddings && o.Stream)
        {
            errors.Add("--stream applies to chat only; embeddings do not stream.");
        }

        if (o.Rate is not null && o.Clients is not null)
        {
            errors.Add("Give either --rate (open loop) or --clients (closed loop), not both.");
        }
        else if (o.Rate is null && o.Clients is null)
        {
            errors.Add("Give --rate RPM (requests started per minute) or --clients N (concurrent clients).");
        }

        if (o.Rate is double rate && !(rate > 0 && rate <= MaxRate))
        {
            errors.Add($"--rate must be more than 0 and at most {MaxRate:0} requests per minute.");
        }

        if (o.Clients is int clients && clients is < 1 or > MaxClients)
        {
            errors.Add($"--clients must be between 1 and {MaxClients}.");
        }

        var duration = o.Duration ?? (o.Requests is null ? DefaultDurationSeconds : MaxDuration.TotalSeconds);
        if (!(duration > 0 && duration <= MaxDuration.TotalSeconds))
        {
            errors.Add($"--duration must be more than 0 and at most {MaxDuration.TotalSeconds:0} seconds (24 hours).");
        }

        if (o.Requests is long requests && requests is < 1 or > MaxRequestsLimit)
        {
            errors.Add($"--requests must be between 1 and {MaxRequestsLimit}.");
        }

        if (!(o.Warmup >= 0 && o.Warmup <= MaxDuration.TotalSeconds))
        {
            errors.Add("--warmup must be between 0 and 86400 seconds.");
        }

        if (!(o.AggregationWindow >= 0.1 && o.AggregationWindow <= 3600))
        {
            errors.Add("--aggregation-window must be between 0.1 and 3600 seconds.");
        }

        if (!(o.Timeout > 0 && o.Timeout <= MaxTimeoutSeconds))
        {
            errors.Add($"--timeout must be more than 0 and at most {MaxTimeoutSeconds:0} seconds.");
        }

        if (errors.Count > 0)
        {
            return null;
        }

        return new LoadPlan(endpoint!, o.Deployment!, o.ApiKey!, o.Api, o.ApiVersion, o.Operation, shape!, o.Stream, o.Rate, o.Clients,
            TimeSpan.FromSeconds(o.Warmup), TimeSpan.FromSeconds(duration), o.Requests ?? DefaultMaxRequests,
            TimeSpan.FromSeconds(o.AggregationWindow), o.Retry, TimeSpan.FromSeconds(o.Timeout));
    }
}
