using Tandem.Core.Runtime;
using Tandem.Pair.CatchUp;
using Tandem.Pair.ConfigSync;
using Tandem.Pair.Heartbeat;
using Tandem.Pair.OverrideSync;
using Tandem.Pair.Status;

namespace Tandem.Pair.Tests.Status;

/// <summary>What node a publishes, composed from its replicators; its peer b is absent unless a test plays it through a's routes.</summary>
public sealed class PairStatusTests : IAsyncLifetime
{

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly PairHealth _health = new();
    private readonly OperatorChanges _changes = new();
    private readonly LogLines _log = new();
    private TestChannels _channels = null!;
    private CatchUpReplicator _catchUp = null!;
    private OverrideReplicator _overrides = null!;
    private PairStatus _status = null!;

    public async Task InitializeAsync()
    {
        _channels = await TestChannels.StartAsync(_time);
        var replicators = new PairReplicators();
        var lastSync = new SyncMark(_time);
        var local = new LocalConfig("a", null, canApply: false, _log);
        var pair = _channels.PairA(_log);
        var heartbeat = new HeartbeatReplicator(pair, replicators, _health, local);
        var configSync = new ConfigReplicator(pair, heartbeat, local, null);
        _overrides = new OverrideReplicator(pair, heartbeat, TestPools.Create(), _changes, lastSync);
        _catchUp = new CatchUpReplicator(pair, heartbeat, replicators, lastSync);
        replicators.Add(heartbeat);
        replicators.Add(_catchUp);
        replicators.Add(configSync);
        replicators.Add(_overrides);
        replicators.Map(_channels.A.Routes);
        _status = new PairStatus(TestChannels.Config("a", 1, 2), _health, heartbeat, _catchUp, _overrides, configSync, local, lastSync);
    }

    [Fact]
    public void SetVip_NotSynced_RoleStaysSyncing()
    {
        _status.SetVip(PairRole.Master, "a");

        Assert.Equal(PairSnapshot.Standalone with { Node = "a", Peer = "127.0.0.1:2", Role = PairRole.Syncing, VipHolder = "a" }, _health.Current);
    }

    [Fact]
    public async Task Publish_PeersHeartbeat_ShowsThePeerAndNamesItHolderWhenItIsMaster()
    {
        await ReceiveHeartbeatAsync(new HeartbeatMessage("b", "b-1", "master", "v2", 5, null));

        var current = _health.Current;
        Assert.Equal("b", current.Peer);
        Assert.Equal(PairRole.Master, current.PeerRole);
        Assert.True(current.PeerAlive);
        Assert.Equal(_time.GetUtcNow(), current.PeerLastSeen);
        Assert.Equal("v2", current.PeerConfigVersion);
        Assert.Equal("b", current.VipHolder);
    }

    [Fact]
    public void Publish_OperatorChangeNotYetAcknowledged_ShowsTheLag()
    {
        _overrides.Record(new OperatorChange("app", "s1", true, 3, null));
        _overrides.Record(new OperatorChange("app", "s2", true, 4, null));

        Assert.Equal(2, _health.Current.SyncLag);
    }

    [Fact]
    public async Task SetVip_SyncedAloneAfterPeerTimeout_TheKeepalivedRoleShows()
    {
        using var stop = new CancellationTokenSource();
        var loop = _catchUp.RunAsync(stop.Token);
        _status.SetVip(PairRole.Backup, null);
        for (var i = 0; i < 200 && !_catchUp.IsSynced; i++)
        {
            _time.Advance(TestChannels.Heartbeat);
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.Equal(PairRole.Backup, _health.Current.Role);
        _status.SetVip(PairRole.Master, "a");
        Assert.Equal((PairRole.Master, "a"), (_health.Current.Role, _health.Current.VipHolder));
    }

    private async Task ReceiveHeartbeatAsync(HeartbeatMessage heartbeat) =>
        await _channels.A.Routes.HandleAsync(PairPaths.Heartbeat, heartbeat.Node,
            JsonSerializer.SerializeToUtf8Bytes(heartbeat, PairJsonContext.Default.HeartbeatMessage), CancellationToken.None);

    public async Task DisposeAsync() => await _channels.DisposeAsync();
}
