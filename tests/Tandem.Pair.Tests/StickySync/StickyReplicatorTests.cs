using Tandem.Core.Pools;
using Tandem.Pair.StickySync;

namespace Tandem.Pair.Tests.StickySync;

/// <summary>Node a's sticky clients: what its tables learn goes to b (over loopback) each heartbeat; b's clients merge in here.</summary>
public sealed class StickyReplicatorTests
{

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakePeer _peer = new();
    private readonly PoolRegistry _pools = TestPools.Create(stickyTable: true);
    private readonly List<StickyItem> _received = [];

    private StickyTable Table => _pools.Find("app")!.StickyTable!;

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public async Task RunAsync_ClientsLearned_SentToThePeerOnTheNextHeartbeat()
    {
        await using var channels = await TestChannels.StartAsync(_time, MapReceiver);
        var sticky = Create(channels);
        using var stop = new CancellationTokenSource();
        var loop = sticky.RunAsync(stop.Token);

        var learned = Now;
        Table.Learn(1, "s1", learned);
        Table.Learn(2, "s2", learned);
        _time.Advance(TestChannels.Heartbeat);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Received().Count == 2 && channels.CountedA.Count == 1), TestChannels.Bound));
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.Equal([new StickyItem("app", 1, "s1", learned), new StickyItem("app", 2, "s2", learned)], Received().OrderBy(i => i.Key));
        Assert.Equal(["sticky ok"], channels.CountedA);
        Assert.Empty(Table.TakeChanges(10));
    }

    [Fact]
    public async Task SendAsync_NothingLearned_SendsNothing()
    {
        await using var channels = await TestChannels.StartAsync(_time, MapReceiver);
        var sticky = Create(channels);

        await sticky.SendAsync(CancellationToken.None);

        Assert.Empty(channels.CountedA);
    }

    [Fact]
    public async Task SendAsync_PeerDoesNotAnswer_ClientsPutBackForTheNextRound()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        var sticky = Create(channels);
        Table.Learn(1, "s1", Now);

        await sticky.SendAsync(CancellationToken.None);

        Assert.Equal(["sticky failed"], channels.CountedA);
        Assert.Equal(new StickyRecord(1, "s1", Now), Assert.Single(Table.TakeChanges(10)));
    }

    [Fact]
    public async Task Handler_PeersClients_MergedIntoThisNodesTables()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        Create(channels);
        var message = new StickyMessage("b", [new StickyItem("app", 5, "s2", Now), new StickyItem("other", 6, "s1", Now)]);

        var answer = await channels.A.Routes.HandleAsync(PairPaths.Sticky, "b",
            JsonSerializer.SerializeToUtf8Bytes(message, PairJsonContext.Default.StickyMessage), CancellationToken.None);

        Assert.Equal(new StickyReply(1), JsonSerializer.Deserialize(answer, PairJsonContext.Default.StickyReply));
        Assert.Equal("s2", Table.Find(5, Now));
        Assert.Equal(1, _peer.HeardCount);
        // Merged clients are the peer's already: not echoed back.
        Assert.Empty(Table.TakeChanges(10));
    }

    [Fact]
    public async Task AddTo_StickyPool_EveryClientInTheSnapshot()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        var sticky = Create(channels);
        Table.Learn(1, "s1", Now);

        var snapshot = sticky.AddTo(new SnapshotMessage([], null));

        Assert.Equal([new StickyItem("app", 1, "s1", Now)], snapshot.Sticky);
    }

    [Fact]
    public async Task AddTo_NoStickyPool_NoStickyField()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        var sticky = new StickyReplicator(channels.PairA(), _peer, TestPools.Create());

        Assert.Null(sticky.AddTo(new SnapshotMessage([], null)).Sticky);
    }

    [Fact]
    public async Task TakeAsync_PeersSnapshot_ClientsMerged()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        var sticky = Create(channels);

        await sticky.TakeAsync(new SnapshotMessage([], null, [new StickyItem("app", 7, "s1", Now)]), "b", firstSync: true, CancellationToken.None);
        await sticky.TakeAsync(new SnapshotMessage([], null), "b", firstSync: false, CancellationToken.None);

        Assert.Equal("s1", Table.Find(7, Now));
    }

    private StickyReplicator Create(TestChannels channels)
    {
        var sticky = new StickyReplicator(channels.PairA(), _peer, _pools);
        sticky.Map(channels.A.Routes);
        return sticky;
    }

    private void MapReceiver(PairRoutes routes) =>
        routes.Map(PairPaths.Sticky, PairJsonContext.Default.StickyMessage, PairJsonContext.Default.StickyReply, (message, _, _) =>
        {
            lock (_received)
            {
                _received.AddRange(message.Items);
            }
            return ValueTask.FromResult(new StickyReply(message.Items.Count));
        });

    private List<StickyItem> Received()
    {
        lock (_received)
        {
            return [.. _received];
        }
    }
}
