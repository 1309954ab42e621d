using Tandem.Core.Config;
using Tandem.Pair.ConfigSync;

namespace Tandem.Pair.Tests.ConfigSync;

/// <summary>Node a's config sync: configs b offers it (through a's route or b's snapshot), and a's offers to b over loopback.</summary>
public sealed class ConfigReplicatorTests : IDisposable
{
    private const int ConfigRefusedEvent = 2008;
    private const int ConfigAcceptedEvent = 2009;
    private const int ConfigOfferedEvent = 2010;
    private static readonly DateTime Written = new(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private readonly ConfigFiles _files = new(servers: 1, Written);
    private readonly FakePeer _peer = new();
    private readonly LogLines _log = new();
    private readonly List<ConfigLoadResult> _applied = [];
    private bool _applyFails;

    [Fact]
    public async Task Handler_NewerValidOffer_WrittenWithTheOwnSectionsAppliedAndAccepted()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System);
        var (sync, local) = Create(channels);
        var changed = 0;
        sync.Changed += () => changed++;
        var offer = ConfigFiles.Offer(ConfigFiles.Shared(2), Written.AddMinutes(1));

        var reply = await OfferAsync(channels.A, offer);

        Assert.Equal(new ConfigReply(true, null), reply);
        Assert.Equal(ConfigFiles.Shared(2) + ConfigFiles.OwnSections.TrimEnd() + "\n", File.ReadAllText(_files.Path));
        Assert.Equal(Written.AddMinutes(1), File.GetLastWriteTimeUtc(_files.Path));
        Assert.Equal(2, Assert.Single(_applied).Config!.Pools[0].Servers.Count);
        Assert.Equal(offer.Version, local.Current!.Version);
        Assert.Equal(1, changed);
        Assert.Equal(1, _peer.HeardCount);
        Assert.Equal($"Pair config version {offer.Version} from peer b written to {_files.Path} and applied", Assert.Single(_log.Of(ConfigAcceptedEvent)));
    }

    [Fact]
    public async Task Handler_OlderOffer_DeclinedNamingTheNewerConfigFileUntouched()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System);
        var (_, local) = Create(channels);
        var before = File.ReadAllText(_files.Path);

        var reply = await OfferAsync(channels.A, ConfigFiles.Offer(ConfigFiles.Shared(2), Written.AddMinutes(-1)));

        Assert.Equal(new ConfigReply(false, $"node a runs a newer config ({local.Current!.Version})"), reply);
        Assert.Equal(before, File.ReadAllText(_files.Path));
        Assert.Empty(_applied);
        Assert.Empty(_log.Of(ConfigRefusedEvent));
    }

    [Fact]
    public async Task Handler_OfferWithANodeLocalSection_RefusedWithAClearLine()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System);
        var (_, local) = Create(channels);
        var offer = ConfigFiles.Offer(ConfigFiles.Shared(2) + "admin:\n  bind: 127.0.0.1:9090\n", Written.AddMinutes(1));

        var reply = await OfferAsync(channels.A, offer);

        const string Problem = "it contains a node-local section (pair, listeners or admin; each node keeps its own)";
        Assert.Equal(new ConfigReply(false, Problem), reply);
        Assert.Equal($"Pair config version {offer.Version} from peer b refused: {Problem}; the running config {local.Current!.Version} stays",
            Assert.Single(_log.Of(ConfigRefusedEvent)));
        Assert.Empty(_applied);
    }

    [Fact]
    public async Task Handler_InvalidOffer_RefusedWithTheLoadersProblems()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System);
        Create(channels);
        var shared = ConfigFiles.Shared(1).Replace("127.0.0.1:9001", "not-an-address", StringComparison.Ordinal);

        var reply = await OfferAsync(channels.A, ConfigFiles.Offer(shared, Written.AddMinutes(1)));

        Assert.False(reply.Accepted);
        Assert.Contains(_files.Path, reply.Problem, StringComparison.Ordinal);
        Assert.Contains("not-an-address", reply.Problem, StringComparison.Ordinal);
        Assert.Empty(_applied);
    }

    [Fact]
    public async Task Handler_ApplyFails_PreviousFileRestoredAndRefused()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System);
        Create(channels);
        var before = File.ReadAllText(_files.Path);
        _applyFails = true;

        var reply = await OfferAsync(channels.A, ConfigFiles.Offer(ConfigFiles.Shared(2), Written.AddMinutes(1)));

        Assert.Equal(new ConfigReply(false, "applying it failed (see the reload lines above)"), reply);
        Assert.Equal(before, File.ReadAllText(_files.Path));
        Assert.Equal(Written, File.GetLastWriteTimeUtc(_files.Path));
    }

    [Fact]
    public async Task Handler_SyncOff_RefusedSayingWhy()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System);
        var local = new LocalConfig("a", null, canApply: false, _log);
        var sync = new ConfigReplicator(channels.PairA(_log), _peer, local, null);
        local.Load();
        sync.Map(channels.A.Routes);

        var reply = await OfferAsync(channels.A, ConfigFiles.Offer(ConfigFiles.Shared(2), Written.AddMinutes(1)));

        Assert.Equal(new ConfigReply(false, "config sync is off on node a: the node has no config file to write the peer's config to"), reply);
    }

    [Fact]
    public async Task TakeAsync_SnapshotWithANewerConfig_AppliedOlderIgnored()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System);
        var (sync, local) = Create(channels);
        var older = ConfigFiles.Offer(ConfigFiles.Shared(3), Written.AddMinutes(-1));
        var newer = ConfigFiles.Offer(ConfigFiles.Shared(2), Written.AddMinutes(1));

        await sync.TakeAsync(new SnapshotMessage([], older), "b", firstSync: true, CancellationToken.None);
        Assert.Empty(_applied);
        await sync.TakeAsync(new SnapshotMessage([], newer), "b", firstSync: true, CancellationToken.None);

        Assert.Single(_applied);
        Assert.Equal(newer.Version, local.Current!.Version);
        Assert.Equal(local.Offer, sync.AddTo(new SnapshotMessage([], null)).Config);
    }

    [Fact]
    public async Task RunAsync_PeerRunsAnOlderConfig_OfferedOnceAndAgainAfterThePeerRestarts()
    {
        var offered = new List<string>();
        await using var channels = await TestChannels.StartAsync(TimeProvider.System, routes =>
            routes.Map(PairPaths.Config, PairJsonContext.Default.ConfigOffer, PairJsonContext.Default.ConfigReply, (offer, _, _) =>
            {
                lock (offered)
                {
                    offered.Add(offer.Version);
                }
                return ValueTask.FromResult(new ConfigReply(true, null));
            }));
        var (sync, local) = Create(channels);
        var version = local.Current!.Version;
        _peer.Info = _peer.Info with { ConfigVersion = "older", ConfigStamp = 1 };
        using var stop = new CancellationTokenSource();
        var loop = sync.RunAsync(stop.Token);
        int Offers()
        {
            lock (offered)
            {
                return offered.Count;
            }
        }

        sync.Reload();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(_log.Of(ConfigOfferedEvent).Count == 1), TestChannels.Bound),
            string.Join(", ", channels.CountedA));
        // Answered once: another heartbeat showing the old version does not bring it again...
        sync.OnPeerHeartbeat(new HeartbeatMessage("b", "b-1", "backup", "older", 1, null), restarted: false);
        await Task.Delay(50);
        // ...but a new process on the peer has not seen it.
        sync.OnPeerHeartbeat(new HeartbeatMessage("b", "b-2", "syncing", "older", 1, null), restarted: true);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Offers() == 2 && channels.CountedA.Count == 2), TestChannels.Bound),
            string.Join(", ", channels.CountedA));
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.Equal([version, version], offered);
        Assert.Equal($"Pair offered config version {version} to peer b: applied", _log.Of(ConfigOfferedEvent)[0]);
        Assert.Equal(["config ok", "config ok"], channels.CountedA);
    }

    [Fact]
    public async Task RunAsync_PeerRunsANewerConfig_NothingOffered()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System);
        var (sync, _) = Create(channels);
        _peer.Info = _peer.Info with { ConfigVersion = "newer", ConfigStamp = new DateTimeOffset(Written.AddMinutes(1)).ToUnixTimeMilliseconds() };
        using var stop = new CancellationTokenSource();
        var loop = sync.RunAsync(stop.Token);

        sync.OnPeerFound();
        await Task.Delay(50);
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.Empty(channels.CountedA);
    }

    private (ConfigReplicator Sync, LocalConfig Local) Create(TestChannels channels)
    {
        var local = new LocalConfig("a", _files.Path, canApply: true, _log);
        var sync = new ConfigReplicator(channels.PairA(_log), _peer, local, ApplyAsync);
        local.Load();
        sync.Map(channels.A.Routes);
        return (sync, local);
    }

    private Task<bool> ApplyAsync(ConfigLoadResult loaded)
    {
        _applied.Add(loaded);
        return Task.FromResult(!_applyFails);
    }

    private static async Task<ConfigReply> OfferAsync(PairChannel channel, ConfigOffer offer)
    {
        var answer = await channel.Routes.HandleAsync(PairPaths.Config, "b", JsonSerializer.SerializeToUtf8Bytes(offer, PairJsonContext.Default.ConfigOffer),
            CancellationToken.None);
        return JsonSerializer.Deserialize(answer, PairJsonContext.Default.ConfigReply)!;
    }

    public void Dispose() => _files.Dispose();
}
