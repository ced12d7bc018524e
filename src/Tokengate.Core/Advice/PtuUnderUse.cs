using System.Globalization;

namespace Tokengate.Advice;

/// <summary>
/// Idle capacity of a provisioned backend as pure arithmetic: each minute of the period offers the PTUs' capacity;
/// what the minute used (at most the capacity) is carried, the rest is idle, and the idle share of the PTUs' monthly
/// price is the money it cost.
/// </summary>
internal static class PtuUnderUse
{
    public static UnderUseAdvice Analyze(string backend, string model, IReadOnlyList<MinuteUsage> minutes, DateTime since, DateTime until,
        int ptus, PtuModelOptions ptu, AdviceOptions options)
    {
        var capacity = (long)ptus * ptu.TokensPerMinutePerPtu;
        var used = new Dictionary<DateTime, double>();
        foreach (var m in minutes) used[m.Minute] = used.GetValueOrDefault(m.Minute) + m.Weighted(ptu);

        var hourMinutes = new long[24];
        var hourCarried = new double[24];
        var dayMinutes = new long[7];
        var dayCarried = new double[7];
        double carried = 0;
        long periodMinutes = 0;
        for (var at = since; at < until; at = at.AddMinutes(1))
        {
            var c = Math.Min(used.GetValueOrDefault(at), capacity);
            carried += c;
            periodMinutes++;
            hourMinutes[at.Hour]++;
            hourCarried[at.Hour] += c;
            dayMinutes[(int)at.DayOfWeek]++;
            dayCarried[(int)at.DayOfWeek] += c;
        }
        var offered = (double)capacity * periodMinutes;
        var utilization = offered > 0 ? Math.Round(carried / offered, 4) : 0;
        var byHour = Enumerable.Range(0, 24).Select(h => new UtilizationBucket(h.ToString("00", CultureInfo.InvariantCulture), Share(hourCarried[h], hourMinutes[h], capacity))).ToList();
        var byDay = Enumerable.Range(0, 7).Select(d => new UtilizationBucket(((DayOfWeek)d).ToString(), Share(dayCarried[d], dayMinutes[d], capacity))).ToList();
        var idleHours = Enumerable.Range(0, 24).Where(h => hourMinutes[h] > 0 && byHour[h].Utilization * 100 < options.IdleHourPercent).ToList();

        var ptuMonthly = Math.Round(ptus * PtuSizing.PricePerMonth(options.ProvisionedBilling, options), 2);
        var idleMonthly = Math.Round(ptuMonthly * (decimal)(1 - utilization), 2);
        var suggestion = idleHours.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{PtuSizing.Percent(utilization)} used; no hour of day below {options.IdleHourPercent}%.")
            : string.Create(CultureInfo.InvariantCulture,
                $"{PtuSizing.Percent(1 - utilization)} of {ptus} PTU idle (${idleMonthly:N2}/month). Hours below {options.IdleHourPercent}% (UTC): {Hours(idleHours)}. Send the gateway's batch runner (Tokengate:Batches, gateway mode) and low-priority consumers (Tokengate:Priority) to this backend in those hours, or buy fewer PTUs and let PAYG take the peaks.");
        return new UnderUseAdvice(backend, model, ptus, capacity, utilization, offered - carried, options.ProvisionedBilling, ptuMonthly, idleMonthly,
            byHour, byDay, idleHours, suggestion);
    }

    private static double Share(double carried, long minutes, long capacity) => minutes == 0 ? 0 : Math.Round(carried / ((double)capacity * minutes), 4);

    private static string Two(int hour) => hour.ToString("00", CultureInfo.InvariantCulture);

    /// <summary>Hours as ranges: 0–11, 20–23.</summary>
    private static string Hours(List<int> hours)
    {
        var ranges = new List<string>();
        for (var i = 0; i < hours.Count;)
        {
            var j = i;
            while (j + 1 < hours.Count && hours[j + 1] == hours[j] + 1) j++;
            ranges.Add(i == j ? Two(hours[i]) : Two(hours[i]) + "–" + Two(hours[j]));
            i = j + 1;
        }
        return string.Join(", ", ranges);
    }
}
