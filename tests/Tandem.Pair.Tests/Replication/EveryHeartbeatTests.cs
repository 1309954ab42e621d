namespace Tandem.Pair.Tests.Replication;

public sealed class EveryHeartbeatTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task RunAsync_PeerAlive_SendsOncePerInterval()
    {
        var time = new FakeTimeProvider();
        var peer = new FakePeer();
        var sends = 0;
        using var stop = new CancellationTokenSource();
        var loop = EveryHeartbeat.RunAsync(Interval, time, peer, _ => Task.FromResult(Interlocked.Increment(ref sends)), stop.Token);

        Assert.Equal(0, Volatile.Read(ref sends));
        for (var tick = 1; tick <= 3; tick++)
        {
            time.Advance(Interval);
            var expected = tick;
            Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref sends) == expected), TestChannels.Bound));
        }
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);
        Assert.Equal(3, sends);
    }

    [Fact]
    public async Task RunAsync_PeerAway_SendsNothingUntilItAnswers()
    {
        var time = new FakeTimeProvider();
        var peer = new FakePeer { Alive = false };
        var sends = 0;
        var ticks = 0;
        using var stop = new CancellationTokenSource();
        var loop = EveryHeartbeat.RunAsync(Interval, time, new CountingPeer(peer, () => Interlocked.Increment(ref ticks)),
            _ => Task.FromResult(Interlocked.Increment(ref sends)), stop.Token);

        time.Advance(Interval);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref ticks) == 1), TestChannels.Bound));
        peer.Alive = true;
        time.Advance(Interval);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref sends) == 1), TestChannels.Bound));

        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);
        Assert.Equal(2, ticks);
    }

    /// <summary>Counts how often the loop asked whether the peer is alive (once per tick).</summary>
    private sealed class CountingPeer(FakePeer inner, Action asked) : IPairPeer
    {
        public bool Alive
        {
            get
            {
                asked();
                return inner.Alive;
            }
        }

        public string Name => inner.Name;

        public PeerInfo Info => inner.Info;

        public void Heard(string sender) => inner.Heard(sender);
    }
}
