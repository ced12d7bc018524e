using Microsoft.Extensions.Hosting;
using Tokengate.Configuration;

namespace Tokengate.Tokens;

/// <summary>Loads and JIT-warms the tokenizers of every configured backend model before the gateway serves.</summary>
internal sealed class TokenizerWarmup(TokenizerRegistry tokenizers, GatewayConfiguration configuration) : IHostedService
{
    private const string Sample = "Warm the tokenizer: 12345 tokens, naïve café, 東京, {\"json\": true}.";

    public Task StartAsync(CancellationToken cancellationToken)
    {
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
