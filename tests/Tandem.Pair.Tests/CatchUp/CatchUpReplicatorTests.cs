using Tandem.Pair.CatchUp;

namespace Tandem.Pair.Tests.CatchUp;

/// <summary>Node a catching up with b over loopback; the shares are test parts that write down what they are given.</summary>
public sealed class CatchUpReplicatorTests
{
    private const int SyncedAloneEvent = 2005;
    private static readonly SnapshotMessage BsSnapshot = new([], new ConfigOffer("b", "v2", 7, "pools: []\n"), [new StickyItem("app", 1, "s1", 5)]);

    private readonly FakeTimeProvider _time = new();
    private readonly FakePeer _peer = new();
    private readonly LogLines _log = new();
    private readonly List<string> _taken = [];
    private readonly PairReplicators _replicators = new();

    public CatchUpReplicatorTests()
    {
        _replicators.Add(new Part("config", this, s => s with { Config = BsSnapshot.Config }));
        _replicators.Add(new Part("sticky", this, s => s with { Sticky = BsSnapshot.Sticky }));
    }

    [Fact]
    public async Task Handler_SnapshotRequest_EveryShareFilledAndThePeerHeard()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        var catchUp = Create(channels);
        catchUp.Map(channels.A.Routes);

        var answer = await channels.A.Routes.HandleAsync(PairPaths.Snapshot, "b",
            JsonSerializer.SerializeToUtf8Bytes(new SnapshotRequest("b"), PairJsonContext.Default.SnapshotRequest), CancellationToken.None);

        var snapshot = JsonSerializer.Deserialize(answer, PairJsonContext.Default.SnapshotMessage)!;
        Assert.Equal(BsSnapshot.Config, snapshot.Config);
        Assert.Equal(BsSnapshot.Sticky, snapshot.Sticky);
        Assert.Empty(snapshot.Entries);
        Assert.Equal(1, _peer.HeardCount);
    }

    [Fact]
    public async Task RunAsync_PeerAnswers_SharesTakenInOrderThenSyncedOnce()
    {
        await using var channels = await TestChannels.StartAsync(_time, MapBsSnapshot);
        var lastSync = new SyncMark(_time);
        var catchUp = Create(channels, lastSync);
        var synced = 0;
        catchUp.Synced += () => Interlocked.Increment(ref synced);
        using var stop = new CancellationTokenSource();

        var loop = catchUp.RunAsync(stop.Token);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(catchUp.IsSynced), TestChannels.Bound),
            string.Join(", ", channels.CountedA));
        // A later message: the same request signed at the same millisecond would be refused as a replay.
        _time.Advance(TimeSpan.FromMilliseconds(1));
        catchUp.OnPeerFound();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Taken.Count == 4 && lastSync.At == _time.GetUtcNow()), TestChannels.Bound),
            string.Join(", ", channels.CountedA));
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        // The first pull is the catch-up (the overrides' share logs it); a pull after the peer is found again is not.
        Assert.Equal(["config v2 first", "sticky v2 first", "config v2", "sticky v2"], Taken);
        Assert.Equal(1, synced);
        Assert.Equal(_time.GetUtcNow(), lastSync.At);
        Assert.Equal(["snapshot ok", "snapshot ok"], channels.CountedA);
    }

    [Fact]
    public async Task RunAsync_PeerAbsent_SyncingUntilPeerTimeoutThenSyncedAlone()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        _peer.Alive = false;
        var start = _time.GetUtcNow();
        var catchUp = Create(channels);
        using var stop = new CancellationTokenSource();

        var loop = catchUp.RunAsync(stop.Token);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(channels.CountedA.Count >= 1), TestChannels.Bound));
        Assert.False(catchUp.IsSynced);
        for (var i = 0; i < 200 && !catchUp.IsSynced; i++)
        {
            _time.Advance(TestChannels.Heartbeat);
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.True(catchUp.IsSynced);
        Assert.True(_time.GetUtcNow() - start >= TestChannels.PeerTimeout);
        Assert.Empty(Taken);
        Assert.Equal($"Pair peer {channels.A.PeerAddress} did not answer within 1000 ms of startup; running as synced on this node's own state",
            Assert.Single(_log.Of(SyncedAloneEvent)));
    }

    private List<string> Taken
    {
        get
        {
            lock (_taken)
            {
                return [.. _taken];
            }
        }
    }

    private CatchUpReplicator Create(TestChannels channels, SyncMark? lastSync = null) =>
        new(channels.PairA(_log), _peer, _replicators, lastSync ?? new SyncMark(_time));

    private static void MapBsSnapshot(PairRoutes routes) =>
        routes.Map(PairPaths.Snapshot, PairJsonContext.Default.SnapshotRequest, PairJsonContext.Default.SnapshotMessage,
            (_, _, _) => ValueTask.FromResult(BsSnapshot));

    private sealed class Part(string name, CatchUpReplicatorTests test, Func<SnapshotMessage, SnapshotMessage> fill) : IPairReplicator, ISnapshotPart
    {
        public SnapshotMessage AddTo(SnapshotMessage snapshot) => fill(snapshot);

        public Task TakeAsync(SnapshotMessage snapshot, string peer, bool firstSync, CancellationToken cancellationToken)
        {
            lock (test._taken)
            {
                test._taken.Add($"{name} {snapshot.Config?.Version}" + (firstSync ? " first" : ""));
            }
            return Task.CompletedTask;
        }
    }
}
