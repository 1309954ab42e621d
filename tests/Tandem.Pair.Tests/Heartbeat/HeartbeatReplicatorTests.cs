using Tandem.Core.Runtime;
using Tandem.Pair.ConfigSync;
using Tandem.Pair.Heartbeat;

namespace Tandem.Pair.Tests.Heartbeat;

/// <summary>Node a's heartbeat replicator, its peer b absent unless a test plays it by calling a's heartbeat route.</summary>
public sealed class HeartbeatReplicatorTests : IAsyncLifetime
{
    private const int PeerLostEvent = 2001;
    private const int PeerFoundEvent = 2002;

    private readonly FakeTimeProvider _time = new();
    private readonly PairHealth _health = new();
    private readonly List<PairEvent> _events = [];
    private readonly List<string> _told = [];
    private readonly LogLines _log = new();
    private TestChannels _channels = null!;
    private HeartbeatReplicator _heartbeat = null!;

    public async Task InitializeAsync()
    {
        _channels = await TestChannels.StartAsync(_time);
        var replicators = new PairReplicators();
        _heartbeat = new HeartbeatReplicator(_channels.PairA(_log), replicators, _health, new LocalConfig("a", null, false, _log));
        replicators.Add(_heartbeat);
        replicators.Add(new Listener(this));
        replicators.Map(_channels.A.Routes);
        _health.Changed += e =>
        {
            lock (_events)
            {
                _events.Add(e);
            }
        };
        _health.Update(PairSnapshot.Standalone with { Node = "a", Role = PairRole.Master, VipHolder = "a" });
    }

    [Fact]
    public async Task Handler_FirstHeartbeat_RecordsThePeerThenFindsItAndAnswersWithOwn()
    {
        var answer = await ReceiveAsync(new HeartbeatMessage("b", "b-1", "backup", "v9", 5, "a"));

        Assert.Equal(new HeartbeatMessage("a", "a-1", "master", null, 0, "a"), answer);
        Assert.True(_heartbeat.Alive);
        Assert.Equal(new PeerInfo("b", "b-1", PairRole.Backup, "v9", 5, "a"), _heartbeat.Info);
        // The others see the heartbeat before the peer is found, so the loops a found peer wakes see its config version.
        Assert.Equal(["heartbeat b-1", "found"], _told);
        Assert.Equal(PairEventKind.PeerFound, Assert.Single(_events).Kind);
        Assert.Equal("Pair peer b found", Assert.Single(_log.Of(PeerFoundEvent)));
    }

    [Fact]
    public async Task Handler_NewIncarnation_ReportedAsARestartOnce()
    {
        await ReceiveAsync(new HeartbeatMessage("b", "b-1", "backup", null, 0, null));
        await ReceiveAsync(new HeartbeatMessage("b", "b-2", "syncing", null, 0, null));
        await ReceiveAsync(new HeartbeatMessage("b", "b-2", "backup", null, 0, null));

        Assert.Equal(["heartbeat b-1", "found", "heartbeat b-2 restarted", "heartbeat b-2"], _told);
    }

    [Fact]
    public void Heard_AnotherRoutesMessage_FindsThePeerNamedAfterTheSender()
    {
        _heartbeat.Heard("b");
        _heartbeat.Heard("b");

        Assert.True(_heartbeat.Alive);
        Assert.Equal("b", _heartbeat.Name);
        Assert.Equal(["found"], _told);
    }

    [Fact]
    public void Name_NothingHeard_ThePeersAddress()
    {
        Assert.Equal(_channels.A.PeerAddress, _heartbeat.Name);
        Assert.False(_heartbeat.Alive);
    }

    [Fact]
    public async Task RunAsync_SilencePastPeerTimeout_LosesThePeerOnceAndForgetsItsRole()
    {
        await ReceiveAsync(new HeartbeatMessage("b", "b-1", "master", "v9", 5, "b"));
        using var stop = new CancellationTokenSource();
        var loop = _heartbeat.RunAsync(stop.Token);

        _time.Advance(TestChannels.PeerTimeout + TestChannels.Heartbeat);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(Events().Contains(PairEventKind.PeerLost)), TestChannels.Bound));
        _time.Advance(TestChannels.Heartbeat);
        _time.Advance(TestChannels.Heartbeat);
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.Equal("Pair peer b lost: nothing heard for 1100 ms (peer-timeout 1000 ms)", Assert.Single(_log.Of(PeerLostEvent)));
        Assert.False(_heartbeat.Alive);
        Assert.Equal(new PeerInfo("b", "b-1", null, "v9", 5, null), _heartbeat.Info);
        Assert.Equal([PairEventKind.PeerFound, PairEventKind.PeerLost], Events());
        lock (_events)
        {
            Assert.Equal("nothing heard for 1100 ms", _events[1].Detail);
        }
    }

    [Fact]
    public async Task RunAsync_PeerAbsent_SendsAHeartbeatEachTickCountedFailed()
    {
        using var stop = new CancellationTokenSource();
        var loop = _heartbeat.RunAsync(stop.Token);

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(_channels.CountedA.Count == 1), TestChannels.Bound));
        // A tick while the last heartbeat is still on its way sends none (one in flight at most): tick until one more went.
        for (var i = 0; i < 200 && _channels.CountedA.Count < 2; i++)
        {
            _time.Advance(TestChannels.Heartbeat);
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await loop.WaitAsync(TestChannels.Bound);

        Assert.True(_channels.CountedA.Count >= 2);
        Assert.All(_channels.CountedA, c => Assert.Equal("heartbeat failed", c));
        Assert.False(_heartbeat.Alive);
    }

    private List<PairEventKind> Events()
    {
        lock (_events)
        {
            return [.. _events.Select(e => e.Kind)];
        }
    }

    private async Task<HeartbeatMessage> ReceiveAsync(HeartbeatMessage heartbeat)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(heartbeat, PairJsonContext.Default.HeartbeatMessage);
        var answer = await _channels.A.Routes.HandleAsync(PairPaths.Heartbeat, heartbeat.Node, body, CancellationToken.None);
        return JsonSerializer.Deserialize(answer, PairJsonContext.Default.HeartbeatMessage)!;
    }

    public async Task DisposeAsync() => await _channels.DisposeAsync();

    /// <summary>Writes down what the heartbeat tells the other replicators, and what it knew of the peer at that moment.</summary>
    private sealed class Listener(HeartbeatReplicatorTests test) : IPairReplicator
    {
        public void OnPeerFound() => test._told.Add("found");

        public void OnPeerHeartbeat(HeartbeatMessage heartbeat, bool restarted) =>
            test._told.Add($"heartbeat {test._heartbeat.Info.Incarnation}" + (restarted ? " restarted" : ""));
    }
}
