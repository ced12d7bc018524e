using System.Globalization;

namespace Tokengate.Simulator.Batches;

/// <summary>The batch messages' numbers, written the same whatever the machine's culture.</summary>
internal static class BatchText
{
    public static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A quota as the service writes it in <c>token_limit_exceeded</c> ("30K", "200M", "5B"); an odd number as it is.</summary>
    public static string Quota(long tokens) => tokens switch
    {
        >= 1_000_000_000 when tokens % 1_000_000_000 == 0 => Format($"{tokens / 1_000_000_000}B"),
        >= 1_000_000 when tokens % 1_000_000 == 0 => Format($"{tokens / 1_000_000}M"),
        >= 1_000 when tokens % 1_000 == 0 => Format($"{tokens / 1_000}K"),
        _ => Format($"{tokens}"),
    };

    /// <summary>The service's text when a batch would take the deployment past its enqueued-token quota (seen on Azure, Microsoft Q&amp;A 2285577).</summary>
    public static string TokenLimitExceeded(long quota, string deployment) =>
        $"The number of enqueued tokens has surpassed the configured limit of {Quota(quota)} for the deployment '{deployment}'. Please either increase the limit or try again once the current jobs have finished.";
}
