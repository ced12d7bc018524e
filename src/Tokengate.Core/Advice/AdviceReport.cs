namespace Tokengate.Advice;

/// <summary>Everything <c>tokengate advise</c> says about a period of the ledger.</summary>
internal sealed record AdviceReport(
    DateTimeOffset Since,
    DateTimeOffset Until,
    long Minutes,
    IReadOnlyList<PtuAdvice> Deployments,
    IReadOnlyList<UnderUseAdvice> Provisioned,
    IReadOnlyList<ModelAdvice> Models,
    IReadOnlyList<CachingAdvice> Caching,
    IReadOnlyList<TruncationAdvice> Truncation,
    IReadOnlyList<string> Notes);
