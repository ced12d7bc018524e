namespace Tokengate.Screening;

public sealed class VerdictCombinerTests
{
    private static DetectorVerdict Clean(string name) => new(name, true, AttackKind.None, 0.1, TimeSpan.Zero);

    private static DetectorVerdict Attack(string name, AttackKind kind = AttackKind.Jailbreak, double score = 0.9) => new(name, true, kind, score, TimeSpan.Zero);

    private static DetectorVerdict Failed(string name) => DetectorVerdict.Failed(name, TimeSpan.Zero, "down");

    [Fact]
    public void Combine_AnyWithOneAttackAndOthersOutstanding_DecidesAttackAtOnce()
    {
        var r = VerdictCombiner.Combine(ScreeningCombine.Any, DetectorFailureMode.Open, [Clean("a"), Attack("b")], outstanding: 2);
        Assert.True(r.Decided);
        Assert.Equal(AttackKind.Jailbreak, r.Attack);
        Assert.Equal("b", r.By!.Detector);
    }

    [Fact]
    public void Combine_AnyAllCleanButOutstanding_NotDecided()
    {
        Assert.False(VerdictCombiner.Combine(ScreeningCombine.Any, DetectorFailureMode.Open, [Clean("a")], outstanding: 1).Decided);
    }

    [Fact]
    public void Combine_AnyJailbreakAndIndirect_JailbreakWins()
    {
        var r = VerdictCombiner.Combine(ScreeningCombine.Any, DetectorFailureMode.Open, [Attack("a", AttackKind.IndirectAttack, 1), Attack("b", AttackKind.Jailbreak, 0.5)], 0);
        Assert.Equal((AttackKind.Jailbreak, "b"), (r.Attack, r.By!.Detector));
    }

    [Fact]
    public void Combine_AnyCleanWithAFailureOpen_CleanAndEstablished()
    {
        var r = VerdictCombiner.Combine(ScreeningCombine.Any, DetectorFailureMode.Open, [Clean("a"), Failed("b")], 0);
        Assert.Equal((true, AttackKind.None, true), (r.Decided, r.Attack, r.Established));
    }

    [Fact]
    public void Combine_AnyCleanWithAFailureClosed_NotEstablished()
    {
        var r = VerdictCombiner.Combine(ScreeningCombine.Any, DetectorFailureMode.Closed, [Clean("a"), Failed("b")], 0);
        Assert.Equal((true, false), (r.Decided, r.Established));
    }

    [Fact]
    public void Combine_AnyAttackWithAFailureClosed_AttackEstablished()
    {
        var r = VerdictCombiner.Combine(ScreeningCombine.Any, DetectorFailureMode.Closed, [Failed("a"), Attack("b")], 0);
        Assert.Equal((AttackKind.Jailbreak, true), (r.Attack, r.Established));
    }

    [Fact]
    public void Combine_AllOneCleanAnswer_DecidesCleanAtOnce()
    {
        var r = VerdictCombiner.Combine(ScreeningCombine.All, DetectorFailureMode.Closed, [Attack("a"), Clean("b")], outstanding: 3);
        Assert.Equal((true, AttackKind.None, true), (r.Decided, r.Attack, r.Established));
    }

    [Fact]
    public void Combine_AllEveryAnswerAnAttack_Attack()
    {
        var r = VerdictCombiner.Combine(ScreeningCombine.All, DetectorFailureMode.Open, [Attack("a", score: 0.7), Attack("b", score: 0.95), Failed("c")], 0);
        Assert.Equal((AttackKind.Jailbreak, "b", true), (r.Attack, r.By!.Detector, r.Established));
    }

    [Fact]
    public void Combine_AllAttacksButOneFailedClosed_NotEstablished()
    {
        var r = VerdictCombiner.Combine(ScreeningCombine.All, DetectorFailureMode.Closed, [Attack("a"), Failed("b")], 0);
        Assert.False(r.Established);
    }

    [Fact]
    public void Combine_AllNobodyAnsweredOpen_Clean()
    {
        var r = VerdictCombiner.Combine(ScreeningCombine.All, DetectorFailureMode.Open, [Failed("a")], 0);
        Assert.Equal((AttackKind.None, true), (r.Attack, r.Established));
    }

    [Fact]
    public void Combine_FirstAnswerDecides_EvenWhenALaterOneFindsAnAttack()
    {
        var r = VerdictCombiner.Combine(ScreeningCombine.First, DetectorFailureMode.Open, [Failed("a"), Clean("b"), Attack("c")], 0);
        Assert.Equal((true, AttackKind.None, "b"), (r.Decided, r.Attack, r.By!.Detector));
    }

    [Fact]
    public void Combine_FirstNobodyAnsweredClosed_NotEstablished()
    {
        Assert.False(VerdictCombiner.Combine(ScreeningCombine.First, DetectorFailureMode.Open, [Failed("a")], 1).Decided);
        Assert.False(VerdictCombiner.Combine(ScreeningCombine.First, DetectorFailureMode.Closed, [Failed("a")], 0).Established);
    }
}
