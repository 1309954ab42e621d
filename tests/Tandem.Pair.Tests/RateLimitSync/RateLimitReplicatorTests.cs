using Tandem.Core.Runtime;
using Tandem.Pair.RateLimitSync;

namespace Tandem.Pair.Tests.RateLimitSync;

/// <summary>Node a's rate-limit spending goes to b (over loopback); b's is charged here; an older peer is not flooded.</summary>
public sealed class RateLimitReplicatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakePeer _peer = new();
    private readonly FakeLedger _ledger = new();
    private readonly List<RateLimitItem> _received = [];

    [Fact]
    public async Task SendAsync_Spent_SentToThePeer()
    {
        await using var channels = await TestChannels.StartAsync(_time, MapReceiver);
        var replicator = Create(channels);
        _ledger.Next = [new RateLimitSpend("api", "@10.0.0.1", 7), new RateLimitSpend("api", "alice", 2)];

        await replicator.SendAsync(CancellationToken.None);

        Assert.Equal([new RateLimitItem("api", "@10.0.0.1", 7), new RateLimitItem("api", "alice", 2)], Received());
        Assert.Equal(["rate-limits ok"], channels.CountedA);
        Assert.Equal(100, _ledger.LastMax);
    }

    [Fact]
    public async Task SendAsync_NothingSpentOrPeerAway_SendsNothingButStillTakes()
    {
        await using var channels = await TestChannels.StartAsync(_time, MapReceiver);
        var replicator = Create(channels);
        await replicator.SendAsync(CancellationToken.None);
        _peer.Alive = false;
        _ledger.Next = [new RateLimitSpend("api", "k", 1)];

        await replicator.SendAsync(CancellationToken.None);

        Assert.Empty(channels.CountedA);
        Assert.Equal(2, _ledger.Takes);
    }

    [Fact]
    public async Task SendAsync_OlderPeerWithoutThePath_PausesAfterThreeFailuresUntilItRestarts()
    {
        // A build before this message: it answers the sticky path, and 404 to /pair/rate-limits.
        await using var channels = await TestChannels.StartAsync(_time, routes =>
            routes.Map(PairPaths.Sticky, PairJsonContext.Default.StickyMessage, PairJsonContext.Default.StickyReply,
                (_, _, _) => ValueTask.FromResult(new StickyReply(0))));
        var replicator = Create(channels);

        for (var i = 0; i < 5; i++)
        {
            _ledger.Next = [new RateLimitSpend("api", "k", 1)];
            await replicator.SendAsync(CancellationToken.None);
        }
        Assert.Equal(["rate-limits refused", "rate-limits refused", "rate-limits refused"], channels.CountedA);

        replicator.OnPeerHeartbeat(new HeartbeatMessage("b", "new-start", "backup", null, 0, null), restarted: true);
        _ledger.Next = [new RateLimitSpend("api", "k", 1)];
        await replicator.SendAsync(CancellationToken.None);
        Assert.Equal(4, channels.CountedA.Count);

        for (var i = 0; i < 3; i++)
        {
            _ledger.Next = [new RateLimitSpend("api", "k", 1)];
            await replicator.SendAsync(CancellationToken.None);
        }
        Assert.Equal(6, channels.CountedA.Count);
        _time.Advance(RateLimitReplicator.Pause);
        _ledger.Next = [new RateLimitSpend("api", "k", 1)];
        await replicator.SendAsync(CancellationToken.None);
        Assert.Equal(7, channels.CountedA.Count);
    }

    [Fact]
    public async Task Handler_PeersSpending_ChargedHere_UnknownVersionIgnored()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        Create(channels);

        var answer = await HandleAsync(channels, new RateLimitMessage(1, "b", [new RateLimitItem("api", "@10.0.0.1", 3)]));
        var future = await HandleAsync(channels, new RateLimitMessage(2, "b", [new RateLimitItem("api", "@10.0.0.1", 3)]));

        Assert.Equal(new RateLimitReply(1), answer);
        Assert.Equal(new RateLimitReply(0), future);
        Assert.Equal([new RateLimitSpend("api", "@10.0.0.1", 3)], _ledger.Charged);
        Assert.Equal(2, _peer.HeardCount);
    }

    private static async Task<RateLimitReply?> HandleAsync(TestChannels channels, RateLimitMessage message)
    {
        var answer = await channels.A.Routes.HandleAsync(PairPaths.RateLimits, "b",
            JsonSerializer.SerializeToUtf8Bytes(message, PairJsonContext.Default.RateLimitMessage), CancellationToken.None);
        return JsonSerializer.Deserialize(answer, PairJsonContext.Default.RateLimitReply);
    }

    private RateLimitReplicator Create(TestChannels channels)
    {
        var replicator = new RateLimitReplicator(channels.PairA(), _peer, _ledger, TimeSpan.FromMilliseconds(100), maxKeys: 100);
        replicator.Map(channels.A.Routes);
        return replicator;
    }

    private void MapReceiver(PairRoutes routes) =>
        routes.Map(PairPaths.RateLimits, PairJsonContext.Default.RateLimitMessage, PairJsonContext.Default.RateLimitReply, (message, _, _) =>
        {
            lock (_received)
            {
                _received.AddRange(message.Items);
            }
            return ValueTask.FromResult(new RateLimitReply(message.Items.Count));
        });

    private List<RateLimitItem> Received()
    {
        lock (_received)
        {
            return [.. _received];
        }
    }

    private sealed class FakeLedger : IRateLimitLedger
    {
        public IReadOnlyList<RateLimitSpend> Next { get; set; } = [];

        public List<RateLimitSpend> Charged { get; } = [];

        public int Takes { get; private set; }

        public int LastMax { get; private set; }

        public IReadOnlyList<RateLimitSpend> TakeSpent(int max)
        {
            Takes++;
            LastMax = max;
            var next = Next;
            Next = [];
            return next;
        }

        public int Charge(IReadOnlyList<RateLimitSpend> spent)
        {
            lock (Charged)
            {
                Charged.AddRange(spent);
            }
            return spent.Count;
        }
    }
}
