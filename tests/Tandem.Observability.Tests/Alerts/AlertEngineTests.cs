using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Observability.Alerts;
using Tandem.Observability.Metrics;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Alerts;

public sealed class AlertEngineTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(AdminHarness.StartedAt);
    private readonly TandemMetrics _metrics;
    private readonly PoolRegistry _pools;
    private readonly PairHealth _pair = new();
    private readonly AlertEngine _engine;
    private readonly List<AlertNotice> _notices = [];

    public AlertEngineTests()
    {
        _metrics = new TandemMetrics(_time);
        _pools = new PoolRegistry(_metrics);
        _pools.Apply(AdminHarness.DefaultConfig().Pools);
        _engine = new AlertEngine(new AlertSources { Pools = _pools, Live = _metrics.Live, Pair = _pair }, _time, NullLogger.Instance,
            new AlertMetrics(_metrics.Registry));
        _engine.Notified += _notices.Add;
    }

    private static AlertRuleConfig Rule(string name, string condition, TimeSpan? forTime = null, AlertLevel level = AlertLevel.Critical,
        TimeSpan? keep = null, string? server = null)
    {
        Assert.True(AlertCondition.TryParse(condition, out var parsed, out var error), error);
        return new AlertRuleConfig { Name = name, Level = level, Condition = parsed!, For = forTime ?? TimeSpan.Zero, KeepFiringFor = keep ?? TimeSpan.Zero, Server = server };
    }

    private void Use(params AlertRuleConfig[] rules) => _engine.Configure(new AlertsConfig { Rules = rules, Node = "n1" }, null);

    private void SetHealth(string pool, string server, HealthStatus health)
    {
        var state = _pools.Find(pool)!;
        state.SetHealth(state.FindServer(server)!, health, health == HealthStatus.Down ? "3 probes failed" : "2 probes passed");
    }

    private void Step(TimeSpan by)
    {
        _time.Advance(by);
        _engine.Evaluate();
    }

    [Fact]
    public void Evaluate_ServerDownForTwoSeconds_PendingThenFiringThenResolved()
    {
        Use(Rule("ServerDown", "server-down", TimeSpan.FromSeconds(2)));
        SetHealth("app", "b", HealthStatus.Down);

        _engine.Evaluate();
        Assert.Equal(AlertStates.Pending, Assert.Single(_engine.View().Pending).State);
        Step(TimeSpan.FromSeconds(1.9));
        Assert.Empty(_notices);
        Step(TimeSpan.FromSeconds(0.1));

        var firing = Assert.Single(_notices);
        Assert.Equal("firing", firing.Status);
        Assert.Equal(new Dictionary<string, string>
        {
            ["alertname"] = "ServerDown", ["severity"] = "critical", ["pool"] = "app", ["server"] = "b", ["node"] = "n1",
        }, firing.Labels);
        Assert.Contains("3 probes failed", firing.Description, StringComparison.Ordinal);
        Assert.Equal(AlertStates.Firing, Assert.Single(_engine.View().Firing).State);

        SetHealth("app", "b", HealthStatus.Up);
        Step(TimeSpan.FromSeconds(1));

        Assert.Equal(2, _notices.Count);
        var resolved = _notices[1];
        Assert.Equal(("resolved", firing.Fingerprint, firing.StartsAt), (resolved.Status, resolved.Fingerprint, resolved.StartsAt));
        Assert.Equal(_time.GetUtcNow(), resolved.EndsAt);
        Assert.Empty(_engine.View().Firing);
        Assert.Equal([AlertStates.Resolved, AlertStates.Firing, AlertStates.Pending], _engine.View().Recent.Select(r => r.State));
    }

    [Fact]
    public void Evaluate_ConditionClearsWhilePending_InactiveWithoutNotifications()
    {
        Use(Rule("ServerDown", "server-down", TimeSpan.FromSeconds(30)));

        for (var i = 0; i < 5; i++)
        {
            SetHealth("app", "a", HealthStatus.Down);
            Step(TimeSpan.FromSeconds(20));
            SetHealth("app", "a", HealthStatus.Up);
            Step(TimeSpan.FromSeconds(1));
        }

        Assert.Empty(_notices);
        Assert.Empty(_engine.View().Pending);
        Assert.Equal(AlertStates.Inactive, _engine.View().Recent[0].State);
    }

    [Fact]
    public void Evaluate_FlappingServer_ForRestartsFromEachNewStart()
    {
        Use(Rule("ServerDown", "server-down", TimeSpan.FromSeconds(10)));
        SetHealth("app", "a", HealthStatus.Down);
        Step(TimeSpan.FromSeconds(9));
        SetHealth("app", "a", HealthStatus.Up);
        Step(TimeSpan.FromSeconds(1));
        SetHealth("app", "a", HealthStatus.Down);
        Step(TimeSpan.FromSeconds(1));

        Step(TimeSpan.FromSeconds(9));
        Assert.Empty(_notices);
        Step(TimeSpan.FromSeconds(1));
        Assert.Equal("firing", Assert.Single(_notices).Status);
    }

    [Fact]
    public void Evaluate_TwoServersDown_OneAlertEachResolvedSeparately()
    {
        Use(Rule("ServerDown", "server-down"));
        SetHealth("app", "a", HealthStatus.Down);
        SetHealth("api", "x", HealthStatus.Down);
        _engine.Evaluate();

        Assert.Equal(2, _notices.Count);
        Assert.NotEqual(_notices[0].Fingerprint, _notices[1].Fingerprint);
        Assert.Equal(["a", "x"], _notices.Select(n => n.Labels["server"]).Order());

        SetHealth("app", "a", HealthStatus.Up);
        Step(TimeSpan.FromSeconds(1));

        Assert.Equal(3, _notices.Count);
        Assert.Equal(("resolved", "a"), (_notices[2].Status, _notices[2].Labels["server"]));
        Assert.Equal("x", Assert.Single(_engine.View().Firing).Labels["server"]);
    }

    [Fact]
    public void Evaluate_ServerFilter_OnlyThatServer()
    {
        Use(Rule("BDown", "server-down", server: "b"));
        SetHealth("app", "a", HealthStatus.Down);
        _engine.Evaluate();
        Assert.Empty(_notices);

        SetHealth("app", "b", HealthStatus.Down);
        Step(TimeSpan.FromSeconds(1));
        Assert.Equal("b", Assert.Single(_notices).Labels["server"]);
    }

    [Fact]
    public void Evaluate_KeepFiringFor_BriefRecoveryDoesNotResolve()
    {
        Use(Rule("ServerDown", "server-down", keep: TimeSpan.FromSeconds(5)));
        SetHealth("app", "a", HealthStatus.Down);
        _engine.Evaluate();
        SetHealth("app", "a", HealthStatus.Up);
        Step(TimeSpan.FromSeconds(3));
        SetHealth("app", "a", HealthStatus.Down);
        Step(TimeSpan.FromSeconds(1));
        SetHealth("app", "a", HealthStatus.Up);
        Step(TimeSpan.FromSeconds(4));
        Assert.Single(_notices);

        Step(TimeSpan.FromSeconds(1));
        Assert.Equal(["firing", "resolved"], _notices.Select(n => n.Status));
    }

    [Fact]
    public void Evaluate_PoolWithoutUsableServer_PoolDownFires()
    {
        Use(Rule("PoolDown", "pool-down", level: AlertLevel.Disaster));
        SetHealth("api", "x", HealthStatus.Down);
        _engine.Evaluate();

        var notice = Assert.Single(_notices);
        Assert.Equal(("api", "disaster", false), (notice.Labels["pool"], notice.Labels["severity"], notice.Labels.ContainsKey("server")));
    }

    [Fact]
    public void Evaluate_ErrorRateOverThreshold_FiresWithValue()
    {
        Use(Rule("Errors", "error-rate > 5%"));
        var recorder = _metrics.Live.Recorder("app", "a");
        _metrics.Live.Tick();
        for (var i = 0; i < 100; i++)
        {
            recorder.Record(i < 10 ? 503 : 200, 0.01);
        }
        _time.Advance(TimeSpan.FromSeconds(1));
        _metrics.Live.Tick();
        _engine.Evaluate();

        var firing = Assert.Single(_engine.View().Firing);
        Assert.Equal(10, firing.Value, 3);
        Assert.Equal("app", firing.Labels["pool"]);
    }

    [Fact]
    public void Evaluate_P99OverThreshold_Fires()
    {
        Use(Rule("Slow", "p99 > 250ms"));
        var recorder = _metrics.Live.Recorder("app", "a");
        _metrics.Live.Tick();
        for (var i = 0; i < 50; i++)
        {
            recorder.Record(200, 0.5);
        }
        _time.Advance(TimeSpan.FromSeconds(1));
        _metrics.Live.Tick();
        _engine.Evaluate();

        Assert.InRange(Assert.Single(_engine.View().Firing).Value, 0.25, 1);
    }

    [Fact]
    public void Evaluate_QueueOverThreshold_Fires()
    {
        Use(Rule("Queued", "queue > 10"));
        var queued = 5;
        _pools.Find("app")!.ObserveQueue(() => queued);
        _engine.Evaluate();
        Assert.Empty(_notices);

        queued = 11;
        Step(TimeSpan.FromSeconds(1));
        Assert.Equal(("app", 11d), (Assert.Single(_engine.View().Firing).Labels["pool"], _engine.View().Firing[0].Value));
    }

    [Fact]
    public void Evaluate_ServerCpuFromAgent_Fires()
    {
        Use(Rule("Busy", "server-cpu > 80"));
        var b = _pools.Find("app")!.FindServer("b")!;
        b.ReportAgentLoad(95);
        _engine.Evaluate();
        Assert.Equal("b", Assert.Single(_notices).Labels["server"]);

        b.ReportAgentLoad(null);
        Step(TimeSpan.FromSeconds(1));
        Assert.Equal("resolved", _notices[1].Status);
    }

    [Fact]
    public void Evaluate_PredictedOverload_FiresPerPool()
    {
        var forecast = new ForecastSignals();
        using var engine = new AlertEngine(new AlertSources { Forecast = forecast }, _time, NullLogger.Instance);
        var notices = new List<AlertNotice>();
        engine.Notified += notices.Add;
        engine.Configure(new AlertsConfig { Rules = [Rule("Overload", "predicted-overload", level: AlertLevel.Warning)] }, "a");
        forecast.Update(new Dictionary<string, PoolOutlook>
        {
            ["app"] = new("app", _time.GetUtcNow(), 1200, 1000, true, 3, null),
            ["api"] = new("api", _time.GetUtcNow(), 10, 1000, false, 1, null),
        });
        engine.Evaluate();

        var notice = Assert.Single(notices);
        Assert.Equal(("app", "a"), (notice.Labels["pool"], notice.Labels["node"]));
    }

    [Fact]
    public void Evaluate_DefaultRules_PrimaryDownWhenPeerMasterLost()
    {
        _engine.Configure(null, "b");
        _pair.Update(PairSnapshot.Standalone with { Node = "b", Peer = "a", Role = PairRole.Backup, PeerRole = PairRole.Master, PeerAlive = true });
        _engine.Evaluate();
        Assert.Empty(_notices);

        _pair.Update(_pair.Current with { PeerAlive = false });
        Step(TimeSpan.FromSeconds(1));

        var notice = Assert.Single(_notices);
        Assert.Equal(("PrimaryNodeDown", "disaster", "b"), (notice.Labels["alertname"], notice.Labels["severity"], notice.Labels["node"]));

        _pair.Update(_pair.Current with { PeerAlive = true, PeerRole = PairRole.Backup, Role = PairRole.Master });
        _pair.Raise(new PairEvent(_time.GetUtcNow(), PairEventKind.PeerFound, "b", "a", "heartbeat"));
        Step(TimeSpan.FromSeconds(1));
        Assert.Equal("resolved", _notices[1].Status);
    }

    [Fact]
    public void Evaluate_BecameMasterWhilePeerLost_PrimaryDownAndBecameMaster()
    {
        Use(Rule("Took", "became-master", level: AlertLevel.Warning), Rule("Primary", "primary-down", level: AlertLevel.Disaster),
            Rule("Lost", "peer-lost"));
        _pair.Update(PairSnapshot.Standalone with { Node = "b", Peer = "a", Role = PairRole.Backup, PeerRole = null, PeerAlive = false });
        _pair.Raise(new PairEvent(_time.GetUtcNow(), PairEventKind.PeerLost, "b", "a", "silent"));
        _pair.Update(_pair.Current with { Role = PairRole.Master });
        _pair.Raise(new PairEvent(_time.GetUtcNow(), PairEventKind.BecameMaster, "b", "a", "took the VIP"));
        _engine.Evaluate();

        Assert.Equal(["Lost", "Primary", "Took"], _notices.Select(n => n.Labels["alertname"]).Order());
    }

    [Fact]
    public void Evaluate_MasterLosesItsBackup_PeerLostButNotPrimaryDown()
    {
        _engine.Configure(null, "a");
        _pair.Update(PairSnapshot.Standalone with { Node = "a", Peer = "b", Role = PairRole.Master, PeerRole = PairRole.Backup, PeerAlive = false });
        _pair.Raise(new PairEvent(_time.GetUtcNow(), PairEventKind.PeerLost, "a", "b", "silent"));
        _engine.Evaluate();

        Assert.Empty(_notices);
    }

    [Fact]
    public void Configure_RuleRemovedWhileFiring_Resolved()
    {
        Use(Rule("ServerDown", "server-down"));
        SetHealth("app", "a", HealthStatus.Down);
        _engine.Evaluate();

        Use(Rule("Other", "pool-down"));

        Assert.Equal(["firing", "resolved"], _notices.Select(n => n.Status));
    }

    [Fact]
    public async Task Evaluate_Firing_SetsFiringGauge()
    {
        Use(Rule("ServerDown", "server-down"));
        SetHealth("app", "a", HealthStatus.Down);
        SetHealth("app", "b", HealthStatus.Down);
        _engine.Evaluate();

        var samples = await Scrape.SamplesAsync(_metrics.Registry);
        Assert.Equal(2, samples["tandem_alerts_firing{alertname=\"ServerDown\",severity=\"critical\"}"]);
    }

    public void Dispose()
    {
        _engine.Dispose();
        _metrics.Live.Dispose();
    }
}
