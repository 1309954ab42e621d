using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Pair.OverrideSync;

namespace Tandem.Pair.Tests.OverrideSync;

/// <summary>Node a's runtime overrides: operator changes sent to b (over loopback) until acknowledged, b's changes applied here.</summary>
public sealed class OverrideReplicatorTests
{
    private const int SyncedEvent = 2004;
    private const int ChangeAppliedEvent = 2006;
    private const int ChangeUnknownServerEvent = 2007;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakePeer _peer = new();
    private readonly LogLines _log = new();
    private readonly OperatorChanges _changes = new();
    private readonly PoolRegistry _pools = TestPools.Create();
    private readonly List<ChangesMessage> _received = [];

    [Fact]
    public async Task RunAsync_OperatorChanges_SentToThePeerUntilAcknowledged()
    {
        await using var channels = await TestChannels.StartAsync(_time, MapReceiver);
        var lastSync = new SyncMark(_time);
        var overrides = Create(channels, lastSync);
        using var stop = new CancellationTokenSource();
        var loop = overrides.RunAsync(stop.Token);

        _changes.Report(new OperatorChange("app", "s1", true, 7, null));
        _changes.Report(new OperatorChange("app", "s2", false, null, AdminState.Draining));
        Assert.True(await TestHttp.WaitUntilAsync(
            () => Task.FromResult(Received().SelectMany(m => m.Entries).Count() >= 2 && overrides.Lag == 0 && lastSync.At is not null), TestChannels.Bound));
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(
            [new OverrideEntry("app", "s1", "weight", 7, null, at, "a"), new OverrideEntry("app", "s2", "state", null, "draining", at, "a")],
            Received().SelectMany(m => m.Entries).Distinct());
        Assert.All(Received(), m => Assert.Equal(("a", "a-1"), (m.Node, m.Incarnation)));
        Assert.Equal(2, Received()[^1].Seq);
        Assert.Equal(_time.GetUtcNow(), lastSync.At);
        Assert.All(channels.CountedA, c => Assert.Equal("changes ok", c));
    }

    [Fact]
    public async Task OnPeerHeartbeat_PeerRestarted_EveryLocalChangeSentAgain()
    {
        await using var channels = await TestChannels.StartAsync(_time, MapReceiver);
        var overrides = Create(channels);
        using var stop = new CancellationTokenSource();
        var loop = overrides.RunAsync(stop.Token);
        _changes.Report(new OperatorChange("app", "s1", true, 7, null));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Received().Count == 1 && overrides.Lag == 0), TestChannels.Bound));

        // A later message: the same batch signed at the same millisecond would be refused as a replay.
        _time.Advance(TimeSpan.FromMilliseconds(1));
        overrides.OnPeerHeartbeat(new HeartbeatMessage("b", "b-2", "syncing", null, 0, null), restarted: true);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Received().Count == 2 && overrides.Lag == 0), TestChannels.Bound));
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.Equal(Received()[0].Entries, Received()[1].Entries);
        Assert.Equal(0, overrides.Lag);
    }

    [Fact]
    public async Task RunAsync_PeerAbsent_ChangeKeptAsLagUntilThePeerIsFound()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        _peer.Alive = false;
        var overrides = Create(channels);
        using var stop = new CancellationTokenSource();
        var loop = overrides.RunAsync(stop.Token);

        _changes.Report(new OperatorChange("app", "s1", true, 7, null));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(channels.CountedA.Count == 1), TestChannels.Bound));
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.Equal(["changes failed"], channels.CountedA);
        Assert.Equal(1, overrides.Lag);
    }

    [Fact]
    public async Task RunAsync_Stopped_NoLongerListensToTheAdminApi()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        var overrides = Create(channels);
        using var stop = new CancellationTokenSource();
        var loop = overrides.RunAsync(stop.Token);
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        _changes.Report(new OperatorChange("app", "s1", true, 7, null));

        Assert.Equal(0, overrides.Lag);
    }

    [Fact]
    public async Task Handler_PeersChanges_AppliedToThePoolsAndAcknowledged()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        var lastSync = new SyncMark(_time);
        var overrides = Create(channels, lastSync);
        var changed = 0;
        overrides.Changed += () => changed++;

        var ack = await ReceiveAsync(channels.A, new ChangesMessage("b", "b-1", 4, [
            new OverrideEntry("app", "s1", "weight", 5, null, 1000, "b"),
            new OverrideEntry("app", "s2", "state", null, "disabled", 1000, "b"),
            new OverrideEntry("app", "s9", "weight", 2, null, 1000, "b")]));

        Assert.Equal(new AckMessage(4), ack);
        var pool = _pools.Find("app")!;
        Assert.Equal(5, pool.FindServer("s1")!.Weight);
        Assert.Equal(AdminState.Disabled, pool.FindServer("s2")!.AdminState);
        Assert.Equal(["Pair applied weight of app/s1 = 5 from peer b", "Pair applied state of app/s2 = disabled from peer b"], _log.Of(ChangeAppliedEvent));
        Assert.Equal("Pair change from peer b names app/s9, which this node does not run; kept for a later config",
            Assert.Single(_log.Of(ChangeUnknownServerEvent)));
        Assert.Equal(3, overrides.AddTo(new SnapshotMessage([], null)).Entries.Count);
        Assert.Equal(0, overrides.Lag);
        Assert.Equal(_time.GetUtcNow(), lastSync.At);
        Assert.Equal(1, changed);
        Assert.Equal(1, _peer.HeardCount);
    }

    [Fact]
    public async Task Handler_OlderThanTheLocalChange_NotApplied()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        var overrides = Create(channels);
        overrides.Record(new OperatorChange("app", "s1", true, 7, null));
        _pools.Find("app")!.SetWeight(_pools.Find("app")!.FindServer("s1")!, 7);

        await ReceiveAsync(channels.A, new ChangesMessage("b", "b-1", 1, [new OverrideEntry("app", "s1", "weight", 5, null, 1000, "b")]));

        Assert.Equal(7, _pools.Find("app")!.FindServer("s1")!.Weight);
        Assert.Empty(_log.Of(ChangeAppliedEvent));
    }

    [Fact]
    public async Task TakeAsync_FirstSync_AppliesTheSnapshotAndSaysHowMany()
    {
        await using var channels = await TestChannels.StartAsync(_time);
        var overrides = Create(channels);
        var snapshot = new SnapshotMessage([new OverrideEntry("app", "s1", "weight", 3, null, 1000, "b"),
            new OverrideEntry("app", "s2", "state", null, "draining", 1000, "b")], null);

        await overrides.TakeAsync(snapshot, "b", firstSync: true, CancellationToken.None);
        await overrides.TakeAsync(snapshot, "b", firstSync: false, CancellationToken.None);

        Assert.Equal("Pair synced with peer b: 2 runtime overrides applied from its snapshot", Assert.Single(_log.Of(SyncedEvent)));
        Assert.Equal(AdminState.Draining, _pools.Find("app")!.FindServer("s2")!.AdminState);
    }

    private OverrideReplicator Create(TestChannels channels, SyncMark? lastSync = null)
    {
        var overrides = new OverrideReplicator(channels.PairA(_log), _peer, _pools, _changes, lastSync ?? new SyncMark(_time));
        overrides.Map(channels.A.Routes);
        return overrides;
    }

    private void MapReceiver(PairRoutes routes) =>
        routes.Map(PairPaths.Changes, PairJsonContext.Default.ChangesMessage, PairJsonContext.Default.AckMessage, (message, _, _) =>
        {
            lock (_received)
            {
                _received.Add(message);
            }
            return ValueTask.FromResult(new AckMessage(message.Seq));
        });

    private List<ChangesMessage> Received()
    {
        lock (_received)
        {
            return [.. _received];
        }
    }

    private static async Task<AckMessage> ReceiveAsync(PairChannel channel, ChangesMessage message)
    {
        var answer = await channel.Routes.HandleAsync(PairPaths.Changes, message.Node,
            JsonSerializer.SerializeToUtf8Bytes(message, PairJsonContext.Default.ChangesMessage), CancellationToken.None);
        return JsonSerializer.Deserialize(answer, PairJsonContext.Default.AckMessage)!;
    }
}
