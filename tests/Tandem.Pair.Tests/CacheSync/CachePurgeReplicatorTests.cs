using System.Collections.Concurrent;
using Tandem.Core.Runtime;
using Tandem.Pair.CacheSync;

namespace Tandem.Pair.Tests.CacheSync;

/// <summary>Cache purges without a shared tier: an operator's purge on a reaches b's memory over the pair channel (loopback).</summary>
public sealed class CachePurgeReplicatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakePeer _peer = new();
    private readonly CachePurges _purgesA = new();
    private readonly CachePurges _purgesB = new();
    private readonly ConcurrentQueue<CachePurgeOrder> _appliedOnB = new();

    public CachePurgeReplicatorTests()
    {
        _purgesB.ApplyLocal = order =>
        {
            _appliedOnB.Enqueue(order);
            return 2;
        };
    }

    [Fact]
    public async Task RunAsync_OperatorsPurge_AppliedOnThePeer()
    {
        await using var channels = await TestChannels.StartAsync(_time, routes => new CachePurgeReplicator(null!, _peer, _purgesB).Map(routes));
        var a = new CachePurgeReplicator(channels.PairA(), _peer, _purgesA);
        using var stop = new CancellationTokenSource();
        var loop = a.RunAsync(stop.Token);

        _purgesA.Report(new CachePurgeOrder(CachePurgeScope.Url, "https://shop.example/p/1"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _purgesA.Report(new CachePurgeOrder(CachePurgeScope.Tag, "catalog"));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(_appliedOnB.Count == 2), TestChannels.Bound));
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.Equal(
            [new CachePurgeOrder(CachePurgeScope.Url, "https://shop.example/p/1"), new CachePurgeOrder(CachePurgeScope.Tag, "catalog")],
            _appliedOnB);
        Assert.All(channels.CountedA, c => Assert.Equal("cache-purge ok", c));
    }

    [Fact]
    public async Task RunAsync_PeerAway_PurgeSentWhenItIsFound()
    {
        await using var channels = await TestChannels.StartAsync(_time, routes => new CachePurgeReplicator(null!, _peer, _purgesB).Map(routes));
        var a = new CachePurgeReplicator(channels.PairA(), _peer, _purgesA);
        using var stop = new CancellationTokenSource();
        var loop = a.RunAsync(stop.Token);
        _peer.Alive = false;

        _purgesA.Report(new CachePurgeOrder(CachePurgeScope.Prefix, "https://shop.example/"));
        await Task.Delay(300);
        Assert.Empty(_appliedOnB);
        _peer.Alive = true;
        a.OnPeerFound();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(_appliedOnB.Count == 1), TestChannels.Bound));
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.Equal(new CachePurgeOrder(CachePurgeScope.Prefix, "https://shop.example/"), Assert.Single(_appliedOnB));
    }
}
