using System.Globalization;

namespace Tokengate.Advice;

/// <summary>
/// PAYG versus PTU over a per-minute profile, as pure arithmetic: the PTUs that carry the chosen percentile of
/// minutes, what they cost per month under each billing, the PAYG price of the tokens above them, and the all-PAYG
/// cost they replace.
/// </summary>
internal static class PtuSizing
{
    /// <summary>Minutes in Azure's billing month (730 hours).</summary>
    public const long MinutesPerMonth = 730 * 60;

    /// <summary>
    /// Sizes <paramref name="deployment"/> from the minutes that had traffic (the others of the period's
    /// <paramref name="periodMinutes"/> count as zero).
    /// </summary>
    public static PtuAdvice Size(string deployment, string model, IReadOnlyList<MinuteUsage> minutes, long periodMinutes, PtuModelOptions ptu, AdviceOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periodMinutes, Math.Max(1, minutes.Count));
        var weighted = minutes.Select(m => m.Weighted(ptu)).ToArray();
        var percentileTokens = Percentile(weighted, periodMinutes, options.Percentile);
        var ptus = RequiredPtus(percentileTokens, ptu);
        var capacity = ptus * ptu.TokensPerMinutePerPtu;

        decimal payg = 0, spill = 0;
        double total = 0, carried = 0;
        var spillMinutes = 0;
        for (var i = 0; i < minutes.Count; i++)
        {
            var w = weighted[i];
            payg += minutes[i].CostUsd;
            total += w;
            carried += Math.Min(w, capacity);
            if (w > capacity)
            {
                spillMinutes++;
                spill += minutes[i].CostUsd * (decimal)((w - capacity) / w);
            }
        }
        var paygMonthly = Monthly(payg, periodMinutes);
        var spillMonthly = Monthly(spill, periodMinutes);
        // The PAYG price of a month of the capacity fully used, at this deployment's own mix of tokens.
        var capacityMonthlyPayg = total > 0 ? payg / (decimal)total * capacity * MinutesPerMonth : 0m;

        var choices = new List<PtuOption>(3);
        foreach (var billing in new[] { PtuBilling.Hourly, PtuBilling.MonthlyReservation, PtuBilling.YearlyReservation })
        {
            var ptuMonthly = Math.Round(ptus * PricePerMonth(billing, options), 2);
            var breakEven = capacityMonthlyPayg > 0 ? Math.Round((double)(ptuMonthly / capacityMonthlyPayg), 4) : (double?)null;
            choices.Add(new PtuOption(billing, ptuMonthly, spillMonthly, ptuMonthly + spillMonthly, breakEven));
        }
        var best = choices.MinBy(o => o.TotalMonthlyUsd)!;
        var saving = paygMonthly - best.TotalMonthlyUsd;
        var savingPercent = paygMonthly > 0 ? Math.Round((double)(saving / paygMonthly) * 100, 2) : 0;
        var utilization = Math.Round(carried / ((double)capacity * periodMinutes), 4);
        var recommend = paygMonthly > 0 && savingPercent >= options.MinimumSavingPercent ? PtuRecommendation.Ptu : PtuRecommendation.Payg;

        var reason = recommend == PtuRecommendation.Ptu
            ? string.Create(CultureInfo.InvariantCulture,
                $"{ptus} PTU ({Name(best.Billing)}) cost ${best.TotalMonthlyUsd:N2}/month with ${spillMonthly:N2} PAYG spillover, against ${paygMonthly:N2} all-PAYG: ${saving:N2} ({savingPercent:0.##}%) less. The PTUs would run at {Percent(utilization)}; they break even at {Percent(best.BreakEvenUtilization)}.")
            : string.Create(CultureInfo.InvariantCulture,
                $"All-PAYG costs ${paygMonthly:N2}/month; the cheapest PTU option, {ptus} PTU ({Name(best.Billing)}), costs ${best.TotalMonthlyUsd:N2} with spillover. The PTUs would run at {Percent(utilization)} and break even at {Percent(best.BreakEvenUtilization)}: stay on PAYG.");

        return new PtuAdvice(deployment, model, ptu.TokensPerMinutePerPtu, options.Percentile, percentileTokens,
            weighted.Length > 0 ? weighted.Max() : 0, total / periodMinutes, ptus, capacity, utilization,
            Math.Round(100.0 * spillMinutes / periodMinutes, 2), paygMonthly, choices, best.Billing, saving, savingPercent, recommend, reason);
    }

    /// <summary>The nearest-rank percentile of the period's minutes, the minutes without traffic counting as zero.</summary>
    public static double Percentile(IReadOnlyCollection<double> busyMinutes, long periodMinutes, double percentile)
    {
        var rank = (long)Math.Ceiling(percentile / 100 * periodMinutes);
        rank = Math.Clamp(rank, 1, periodMinutes);
        var zeros = periodMinutes - busyMinutes.Count;
        if (rank <= zeros) return 0;
        var sorted = busyMinutes.Order().ToArray();
        return sorted[rank - zeros - 1];
    }

    /// <summary>PTUs for a minute of <paramref name="tokens"/> weighted tokens: rounded up to the increment, never below the minimum.</summary>
    public static int RequiredPtus(double tokens, PtuModelOptions ptu)
    {
        var raw = (long)Math.Ceiling(tokens / ptu.TokensPerMinutePerPtu);
        var rounded = (raw + ptu.PtuIncrement - 1) / ptu.PtuIncrement * ptu.PtuIncrement;
        return (int)Math.Max(ptu.MinimumPtus, rounded);
    }

    /// <summary>The price of one PTU for a month under <paramref name="billing"/>.</summary>
    public static decimal PricePerMonth(PtuBilling billing, AdviceOptions options) => billing switch
    {
        PtuBilling.Hourly => options.PtuHourlyUsd * 730,
        PtuBilling.MonthlyReservation => options.PtuMonthlyReservationUsd,
        _ => options.PtuYearlyReservationUsd,
    };

    /// <summary>A period's amount as a month's: the average minute times the minutes of a month, to the cent.</summary>
    public static decimal Monthly(decimal periodAmount, long periodMinutes) => Math.Round(periodAmount * MinutesPerMonth / periodMinutes, 2);

    /// <summary>A share as a percentage with one decimal and no space: 0.8073 → 80.7%.</summary>
    public static string Percent(double? share) => share is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    public static string Name(PtuBilling billing) => billing switch
    {
        PtuBilling.Hourly => "hourly",
        PtuBilling.MonthlyReservation => "monthly reservation",
        _ => "yearly reservation",
    };
}
