using System.Text.Json;

namespace Tokengate.IntegrationTests.Advice;

/// <summary>The hand-computed figures of <see cref="AdviceLedger"/>'s three months, asserted on the JSON report (the command's and the endpoint's).</summary>
internal static class AdviceAssert
{
    public static void ThreeMonths(JsonElement report)
    {
        Assert.Equal(43_200, report.GetProperty("minutes").GetInt64());
        var deployments = report.GetProperty("deployments").EnumerateArray().ToDictionary(d => d.GetProperty("deployment").GetString()!);

        // Steady: 140,000 weighted tokens a minute (100,000 + 4 × 10,000) → 56 PTU → 60 with the increment of 5.
        // All-PAYG $0.35 × 43,800 = $15,330; 60 × $221 = $13,260 on a yearly reservation; saves $2,070; break-even
        // 13,260 / (150,000 × 43,800 × $0.0000025 = $16,425) = 80.73%.
        var steady = deployments["steady"];
        Assert.Equal("ptu", steady.GetProperty("recommendation").GetString());
        Assert.Equal(60, steady.GetProperty("requiredPtus").GetInt32());
        Assert.Equal(15_330.00m, steady.GetProperty("paygMonthlyUsd").GetDecimal());
        Assert.Equal("yearlyReservation", steady.GetProperty("bestBilling").GetString());
        var steadyOptions = steady.GetProperty("options").EnumerateArray().ToList();
        Assert.Equal([43_800.00m, 15_600.00m, 13_260.00m], steadyOptions.Select(o => o.GetProperty("totalMonthlyUsd").GetDecimal()));
        Assert.Equal(0.8073, steadyOptions[2].GetProperty("breakEvenUtilization").GetDouble());
        Assert.Equal(2_070.00m, steady.GetProperty("savingMonthlyUsd").GetDecimal());

        // Spiky: the p95 minute is idle → the minimum 15 PTU; all-PAYG 720 × $0.50 → $365 a month, against
        // 15 × $221 = $3,315 plus $296.56 spillover (81.25% of each spike): stay on PAYG.
        var spiky = deployments["spiky"];
        Assert.Equal("payg", spiky.GetProperty("recommendation").GetString());
        Assert.Equal(15, spiky.GetProperty("requiredPtus").GetInt32());
        Assert.Equal(365.00m, spiky.GetProperty("paygMonthlyUsd").GetDecimal());
        Assert.Equal(3_611.56m, spiky.GetProperty("options")[2].GetProperty("totalMonthlyUsd").GetDecimal());

        // Half idle: 20 PTU × $260 = $5,200 a month, used 50% → $2,600 idle; 50,000 × 21,600 idle minutes.
        var ptu = Assert.Single(report.GetProperty("provisioned").EnumerateArray());
        Assert.Equal(AdviceLedger.ProvisionedBackend, ptu.GetProperty("backend").GetString());
        Assert.Equal(20, ptu.GetProperty("ptus").GetInt32());
        Assert.Equal(0.5, ptu.GetProperty("utilization").GetDouble());
        Assert.Equal(1_080_000_000, ptu.GetProperty("idleTokens").GetDouble());
        Assert.Equal(5_200.00m, ptu.GetProperty("ptuMonthlyUsd").GetDecimal());
        Assert.Equal(2_600.00m, ptu.GetProperty("idleMonthlyUsd").GetDecimal());
        Assert.Equal(Enumerable.Range(12, 12), ptu.GetProperty("idleHours").EnumerateArray().Select(h => h.GetInt32()));

        Assert.Contains(report.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("Quality is not measured", StringComparison.Ordinal));
    }
}
