namespace Tokengate.Affinity;

/// <summary>The selection the memory bound relies on (the store's contract runs in the integration tests, beside the other stores).</summary>
public sealed class InMemoryAffinityStoreTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(1000, 0)]
    [InlineData(1000, 99)]
    [InlineData(1000, 999)]
    public void SelectNth_IsTheValueASortWouldPutAtTheIndex_ForRandomSortedReversedAndTiedInput(int length, int k)
    {
        var random = new Random(length * 31 + k);
        long[][] inputs =
        [
            [.. Enumerable.Range(0, length).Select(_ => (long)random.Next(1_000_000))],
            [.. Enumerable.Range(0, length).Select(i => (long)i)],
            [.. Enumerable.Range(0, length).Select(i => (long)(length - i))],
            [.. Enumerable.Range(0, length).Select(_ => (long)random.Next(3))],
        ];
        foreach (var input in inputs)
        {
            var sorted = input.Order().ToArray();
            Assert.Equal(sorted[k], InMemoryAffinityStore.SelectNth(input.ToArray(), k));
        }
    }
}
