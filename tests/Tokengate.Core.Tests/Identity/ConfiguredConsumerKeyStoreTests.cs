using Tokengate.Configuration;

namespace Tokengate.Identity;

public class ConfiguredConsumerKeyStoreTests
{
    private const string AliceKey = "tg_alice-0123456789";
    private const string AliceNextKey = "tg_alice-rotated-9876";
    private const string BobKey = "tg_bob-abcdef";

    private static ConfiguredConsumerKeyStore Store() => new(new Dictionary<string, ConsumerOptions>
    {
        ["alice"] = new() { KeyHashes = [KeyHash.Format(AliceKey), KeyHash.Format(AliceNextKey).ToUpperInvariant().Replace("SHA256:", "sha256:", StringComparison.Ordinal)] },
        ["bob"] = new() { KeyHashes = [KeyHash.Format(BobKey)] },
    });

    [Fact]
    public void TryFind_ConfiguredKey_FindsItsConsumer()
    {
        var store = Store();

        Assert.True(store.TryFind(AliceKey, out var alice));
        Assert.Equal("alice", alice.Name);
        Assert.True(store.TryFind(BobKey, out var bob));
        Assert.Equal("bob", bob.Name);
    }

    [Fact]
    public void TryFind_BothKeysOfOneConsumer_BothFindIt()
    {
        var store = Store();

        Assert.True(store.TryFind(AliceKey, out var first));
        Assert.True(store.TryFind(AliceNextKey, out var second));
        Assert.Equal("alice", first.Name);
        Assert.Equal("alice", second.Name);
    }

    [Theory]
    [InlineData("tg_alice-012345678")]
    [InlineData("TG_ALICE-0123456789")]
    [InlineData("tg_alice-0123456789 ")]
    [InlineData("")]
    public void TryFind_DifferentKey_NotFound(string key)
    {
        Assert.False(Store().TryFind(key, out _));
    }

    [Fact]
    public void TryFind_TheHashStringItself_NotFound()
    {
        var store = Store();
        var hash = KeyHash.Format(AliceKey);

        Assert.False(store.TryFind(hash, out _));
        Assert.False(store.TryFind(hash.AsSpan("sha256:".Length), out _));
        Assert.False(store.TryFind(hash["sha256:".Length..].ToUpperInvariant(), out _));
    }

    [Fact]
    public void TryFind_NoConsumers_NotFound()
    {
        var store = new ConfiguredConsumerKeyStore(new Dictionary<string, ConsumerOptions>());

        Assert.False(store.TryFind(AliceKey, out _));
    }

    [Fact]
    public void TryFind_KeyLongerThanStackBuffer_Found()
    {
        var longKey = "tg_" + new string('k', 1000);
        var store = new ConfiguredConsumerKeyStore(new Dictionary<string, ConsumerOptions>
        {
            ["carol"] = new() { KeyHashes = [KeyHash.Format(longKey)] },
        });

        Assert.True(store.TryFind(longKey, out var carol));
        Assert.Equal("carol", carol.Name);
    }
}
