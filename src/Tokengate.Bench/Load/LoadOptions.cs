namespace Tokengate.Bench.Load;

/// <summary>
/// What the user asked <c>tokengate bench load</c> for, before validation. Defaults match the command's.
/// </summary>
internal sealed class LoadOptions
{
    /// <summary>Resource address, e.g. <c>https://NAME.openai.azure.com</c>. The only host the tool sends to.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Deployment name: in the path on classic routes, the body <c>model</c> on v1.</summary>
    public string? Deployment { get; init; }

    /// <summary>The key, as read from <see cref="ApiKeyEnv"/>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Environment variable the key came from, named in errors. Default <c>OPENAI_API_KEY</c>.</summary>
    public string ApiKeyEnv { get; init; } = "OPENAI_API_KEY";

    /// <summary>Route family. Default classic Azure routes.</summary>
    public BenchApi Api { get; init; } = BenchApi.AzureClassic;

    /// <summary>Classic routes' <c>api-version</c>. Default <c>2024-10-21</c> (GA, has <c>stream_options</c>).</summary>
    public string ApiVersion { get; init; } = "2024-10-21";

    /// <summary>Chat or embeddings. Default chat.</summary>
    public BenchOperation Operation { get; init; } = BenchOperation.Chat;

    /// <summary>Shape name: balanced, context, generation or custom. Default balanced.</summary>
    public string Shape { get; init; } = "balanced";

    /// <summary>Overrides the shape's prompt tokens (required for custom).</summary>
    public int? ContextTokens { get; init; }

    /// <summary>Overrides the shape's <c>max_tokens</c> (required for custom).</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Stream chat responses (and ask for the usage chunk). Default off.</summary>
    public bool Stream { get; init; }

    /// <summary>Open loop: requests started per minute, on schedule whatever the responses do.</summary>
    public double? Rate { get; init; }

    /// <summary>Closed loop: this many clients, each sending its next request when the last one finished.</summary>
    public int? Clients { get; init; }

    /// <summary>Measured seconds after warm-up. Default 60 when <see cref="Requests"/> is not given.</summary>
    public double? Duration { get; init; }

    /// <summary>Requests to start in all (warm-up included). Default <see cref="LoadPlan.DefaultMaxRequests"/> as a cap.</summary>
    public long? Requests { get; init; }

    /// <summary>Seconds at the start that are reported but left out of the summary. Default 0.</summary>
    public double Warmup { get; init; }

    /// <summary>Seconds per aggregation interval. Default 10.</summary>
    public double AggregationWindow { get; init; } = 10;

    /// <summary>Retry behaviour. Default none.</summary>
    public RetryMode Retry { get; init; } = RetryMode.None;

    /// <summary>Seconds one attempt may take. Default 120.</summary>
    public double Timeout { get; init; } = 120;
}
