namespace Tokengate.Affinity;

/// <summary>Changes to one id combine into the one the writer stores: the same end state as applying them in order.</summary>
public sealed class AffinityChangeTests
{
    private static readonly DateTimeOffset T0 = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AffinityRecord Record = new("resp_1", AffinityKinds.Response, "gpt-4o", "east", "app", T0, T0.AddDays(30));

    [Fact]
    public void Then_PutThenTokens_IsThePutWithTheTokens() =>
        Assert.Equal(AffinityChange.Put(Record with { ChainTokens = 9 }), AffinityChange.Put(Record).Then(AffinityChange.Chain("resp_1", 9)));

    [Fact]
    public void Then_TokensThenTokens_IsTheLastFigure() =>
        Assert.Equal(AffinityChange.Chain("resp_1", 2), AffinityChange.Chain("resp_1", 1).Then(AffinityChange.Chain("resp_1", 2)));

    [Fact]
    public void Then_RemoveThenTokens_StaysARemoval() =>
        Assert.Equal(AffinityChange.Remove("resp_1"), AffinityChange.Remove("resp_1").Then(AffinityChange.Chain("resp_1", 5)));

    [Fact]
    public void Then_AnythingThenPutOrRemove_IsTheLatter()
    {
        var put = AffinityChange.Put(Record with { Backend = "west" });
        Assert.Equal(put, AffinityChange.Remove("resp_1").Then(put));
        Assert.Equal(put, AffinityChange.Chain("resp_1", 3).Then(put));
        Assert.Equal(AffinityChange.Remove("resp_1"), AffinityChange.Put(Record).Then(AffinityChange.Remove("resp_1")));
    }
}
