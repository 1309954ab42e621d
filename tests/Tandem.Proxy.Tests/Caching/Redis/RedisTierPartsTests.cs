using Tandem.Proxy.Caching;
using Tandem.Proxy.Caching.Redis;

namespace Tandem.Proxy.Tests.Caching.Redis;

/// <summary>The tier's parts without Redis: the circuit, the purge message, glob escaping, deferred purges.</summary>
public sealed class RedisTierPartsTests
{
    [Fact]
    public void Circuit_OpensAfterFailuresInARow_OnlyOnce_AndASuccessResetsTheCount()
    {
        var circuit = new RedisCircuit(3, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.False(circuit.IsClosed);
        Assert.True(circuit.TryClose());
        Assert.False(circuit.TryClose());

        Assert.False(circuit.Failed());
        Assert.False(circuit.Failed());
        circuit.Succeeded();
        Assert.False(circuit.Failed());
        Assert.False(circuit.Failed());
        Assert.True(circuit.IsClosed);
        Assert.True(circuit.Failed());
        Assert.False(circuit.IsClosed);
        Assert.False(circuit.Failed());
    }

    [Fact]
    public void Circuit_ProbeDelay_DoublesUpToTheMaximum()
    {
        var circuit = new RedisCircuit(3, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Equal([250, 500, 1000, 2000, 4000, 5000, 5000], Enumerable.Range(0, 7).Select(a => circuit.ProbeDelay(a).TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(5), circuit.ProbeDelay(1000));
    }

    [Theory]
    [InlineData(CachePurgeKind.Key, "http://h/a")]
    [InlineData(CachePurgeKind.Prefix, "")]
    [InlineData(CachePurgeKind.Tag, "two\nlines\n")]
    public void PurgeMessage_RoundTrips(CachePurgeKind kind, string value)
    {
        var text = PurgeMessage.Format("node-a", new CachePurge(kind, value));

        Assert.True(PurgeMessage.TryParse(text, out var node, out var purge));
        Assert.Equal("node-a", node);
        Assert.Equal(new CachePurge(kind, value), purge);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("2\nnode\nkey\nhttp://h/")]
    [InlineData("1\nnode\nevict\nhttp://h/")]
    [InlineData("1\nnode\nkey")]
    public void PurgeMessage_SomethingElse_DoesNotParse(string? text) => Assert.False(PurgeMessage.TryParse(text, out _, out _));

    [Theory]
    [InlineData("http://h/a", "http://h/a")]
    [InlineData("http://h/a[1]?q=*", @"http://h/a\[1\]\?q=\*")]
    [InlineData(@"a\b", @"a\\b")]
    public void EscapeGlob_EscapesEveryGlobCharacter(string text, string expected) => Assert.Equal(expected, RedisCacheKeys.EscapeGlob(text));

    [Fact]
    public void Keys_PrimaryOfAVariant_IsTheKeyBeforeTheSeparator()
    {
        Assert.Equal("http://h/a", RedisCacheKeys.PrimaryOf("http://h/a\u001Fgzip"));
        Assert.Null(RedisCacheKeys.PrimaryOf("http://h/a"));
        Assert.Equal(@"tandem:cache:v:http://h/\?*", new RedisCacheKeys("tandem:cache:").ValuePattern("http://h/?").ToString());
    }

    [Fact]
    public void PendingPurges_PastTheCapacity_MarkOverflowOnce()
    {
        var pending = new PendingPurges(2);
        Assert.False(pending.Add(new CachePurge(CachePurgeKind.Key, "a")));
        Assert.False(pending.Add(new CachePurge(CachePurgeKind.Key, "b")));
        Assert.True(pending.Add(new CachePurge(CachePurgeKind.Key, "c")));
        Assert.False(pending.Add(new CachePurge(CachePurgeKind.Key, "d")));
        Assert.Equal(2, pending.Count);

        Assert.True(pending.TakeOverflow());
        Assert.False(pending.TakeOverflow());
        Assert.True(pending.TryPeek(out var first));
        Assert.Equal("a", first.Value);
        pending.Done();
        pending.Done();
        Assert.False(pending.TryPeek(out _));
        Assert.Equal(0, pending.Count);
    }
}
