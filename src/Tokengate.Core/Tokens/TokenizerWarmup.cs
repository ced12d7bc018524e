using Microsoft.Extensions.Hosting;
using Tokengate.Configuration;

namespace Tokengate.Tokens;

/// <summary>
/// Loads and JIT-warms the tokenizers of every configured backend model before the gateway serves, when admission
/// counts prompts exactly (<see cref="TokensOptions.ExactCountMaxBytes"/> above zero): then nearly every request
/// needs one. With the default (prompts estimated, counted only when a count decides a refusal or a cut stream is
/// counted) a vocabulary is loaded the first time it is needed instead: o200k_base holds about 40 MB of memory, which
/// a gateway whose consumers stay inside their limits never has to spend, for about 0.2 s once on that request.
/// </summary>
internal sealed class TokenizerWarmup(TokenizerRegistry tokenizers, GatewayConfiguration configuration) : IHostedService
{
    private const string Sample = "Warm the tokenizer: 12345 tokens, naïve café, 東京, {\"json\": true}.";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.Current.Options.Tokens.ExactCountMaxBytes <= 0) return Task.CompletedTask;
        var encodings = configuration.Current.Pools.SelectMany(p => p.Backends).Select(b => ModelProfile.For(b.Model).Encoding).Distinct();
        foreach (var encoding in encodings)
        {
            var tokenizer = tokenizers.Get(encoding);
            for (var i = 0; i < 3; i++) tokenizer.CountTokens(Sample);
            tokenizer.GetIndexByTokenCount(Sample, 4, out _, out _);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
