using System.Globalization;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;

namespace Tandem.Observability.Alerts;

/// <summary>
/// Turns a rule's condition into the label sets for which it holds now, each with the value seen. Per server for
/// server conditions, per pool for pool conditions (per server when the rule names a <c>server</c>), one set for node
/// and pair conditions. Pair takeovers are tracked from <see cref="PairHealth.Changed"/>.
/// Concurrency: <see cref="Collect"/> from the evaluator's thread only; the pair flags are written by the pair's thread.
/// </summary>
internal sealed class AlertEvaluator : IDisposable
{
    private readonly AlertSources _sources;
    private volatile bool _becameMaster;
    private volatile bool _tookOverFromLostPeer;

    public AlertEvaluator(AlertSources sources)
    {
        _sources = sources;
        if (sources.Pair is { } pair)
        {
            pair.Changed += OnPairEvent;
        }
    }

    private void OnPairEvent(PairEvent e)
    {
        switch (e.Kind)
        {
            case PairEventKind.BecameMaster:
                _becameMaster = true;
                if (_sources.Pair?.Current.PeerAlive != true)
                {
                    _tookOverFromLostPeer = true;
                }
                break;
            case PairEventKind.BecameBackup or PairEventKind.Fault:
                _becameMaster = false;
                break;
            case PairEventKind.PeerFound:
                _tookOverFromLostPeer = false;
                break;
        }
    }

    public void Collect(AlertRuleConfig rule, List<AlertMatch> into)
    {
        var condition = rule.Condition;
        switch (condition.Kind)
        {
            case AlertConditionKind.ServerDown:
                ForServers(rule, into, s => s.StateName == ServerStateNames.Down ? 1 : null,
                    (p, s, _) => $"server {s.Name} ({s.Address}) of pool {p.Name} is down: {s.LastChange?.Reason ?? "health check"}");
                break;
            case AlertConditionKind.ServerCpu:
                ForServers(rule, into, s => s.AgentLoadPercent is { } load && condition.Holds(load) ? load : null,
                    (p, s, v) => Invariant($"server {s.Name} of pool {p.Name} reports {v:0.#}% load ({condition.Text})"));
                break;
            case AlertConditionKind.PoolDown:
                foreach (var pool in Pools(rule))
                {
                    if (pool.UsableCount == 0)
                    {
                        into.Add(new AlertMatch(pool.Name, null, 1, $"pool {pool.Name} has no usable server"));
                    }
                }
                break;
            case AlertConditionKind.Queue:
                foreach (var pool in Pools(rule))
                {
                    var queued = pool.Queued;
                    if (condition.Holds(queued))
                    {
                        into.Add(new AlertMatch(pool.Name, null, queued, Invariant($"{queued} requests queued in pool {pool.Name} ({condition.Text})")));
                    }
                }
                break;
            case AlertConditionKind.P50 or AlertConditionKind.P99 or AlertConditionKind.ErrorRate or AlertConditionKind.Rate:
                CollectWindowed(rule, into);
                break;
            case AlertConditionKind.PredictedOverload:
                if (_sources.Forecast is { } forecast)
                {
                    foreach (var (name, outlook) in forecast.Pools)
                    {
                        if (outlook.OverloadPredicted && (rule.Pool is null || rule.Pool == name))
                        {
                            into.Add(new AlertMatch(name, null, outlook.PredictedPeak,
                                Invariant($"pool {name}: predicted peak {outlook.PredictedPeak:0.#} requests/s exceeds capacity {outlook.Capacity:0.#}")));
                        }
                    }
                }
                break;
            case AlertConditionKind.NodeCpu:
                Node(condition, _sources.Resources?.Current.SystemCpuPercent, into, v => Invariant($"node CPU {v:0.#}% ({condition.Text})"));
                break;
            case AlertConditionKind.ProcessCpu:
                Node(condition, _sources.Resources?.Current.ProcessCpuPercent, into, v => Invariant($"Tandem process CPU {v:0.#}% ({condition.Text})"));
                break;
            case AlertConditionKind.NodeMemory:
                Node(condition, _sources.Resources?.Current.RssBytes, into, v => Invariant($"resident memory {v / 1048576:0.#} MB ({condition.Text})"));
                break;
            case AlertConditionKind.CertificateExpiry:
                CollectCertificates(condition, into);
                break;
            default:
                CollectPair(condition.Kind, into);
                break;
        }
    }

    private void CollectCertificates(AlertCondition condition, List<AlertMatch> into)
    {
        if (_sources.Tls is not { } tls)
        {
            return;
        }
        foreach (var (name, seconds) in Metrics.TlsMetrics.Soonest(tls.Current, _sources.Time.GetUtcNow()))
        {
            if (condition.Holds(seconds))
            {
                var left = seconds <= 0 ? "has expired" : Invariant($"expires in {seconds / 86_400:0.#} days");
                into.Add(new AlertMatch(null, null, seconds, $"TLS certificate {name} {left} ({condition.Text})") { Certificate = name });
            }
        }
    }

    private void CollectPair(AlertConditionKind kind, List<AlertMatch> into)
    {
        if (_sources.Pair?.Current is not { } pair || pair.Role == PairRole.Standalone)
        {
            return;
        }
        var peer = pair.Peer ?? "peer";
        switch (kind)
        {
            case AlertConditionKind.PeerLost when !pair.PeerAlive:
                into.Add(new AlertMatch(null, null, 1, $"pair peer {peer} lost (last seen {Seen(pair.PeerLastSeen)})"));
                break;
            case AlertConditionKind.BecameMaster when pair.Role == PairRole.Master && _becameMaster && !(pair.PeerAlive && pair.PeerRole == PairRole.Backup):
                into.Add(new AlertMatch(null, null, 1, $"node {pair.Node} became master; peer {peer} is {(pair.PeerAlive ? pair.PeerRole?.ToString().ToLowerInvariant() ?? "unknown" : "lost")}"));
                break;
            case AlertConditionKind.PrimaryDown when !pair.PeerAlive && (pair.PeerRole == PairRole.Master || _tookOverFromLostPeer):
                into.Add(new AlertMatch(null, null, 1,
                    $"primary node {peer} is down (last seen {Seen(pair.PeerLastSeen)}); this node {pair.Node} is {pair.Role.ToString().ToLowerInvariant()}"));
                break;
        }
    }

    private void CollectWindowed(AlertRuleConfig rule, List<AlertMatch> into)
    {
        if (_sources.Live is not { } live)
        {
            return;
        }
        var window = rule.Window ?? ConfigDefaults.AlertWindow;
        foreach (var pool in Pools(rule))
        {
            if (rule.Server is null)
            {
                Windowed(rule, pool.Name, null, live.Window(pool.Name, null, window), into);
                continue;
            }
            foreach (var server in pool.Servers)
            {
                if (server.Name == rule.Server)
                {
                    Windowed(rule, pool.Name, server.Name, live.Window(pool.Name, server.Name, window), into);
                }
            }
        }
    }

    private static void Windowed(AlertRuleConfig rule, string pool, string? server, Live.WindowStats? stats, List<AlertMatch> into)
    {
        if (stats is null)
        {
            return;
        }
        var condition = rule.Condition;
        var hasTraffic = stats.Requests > 0;
        double? value = condition.Kind switch
        {
            AlertConditionKind.P50 when hasTraffic => stats.P50,
            AlertConditionKind.P99 when hasTraffic => stats.P99,
            AlertConditionKind.ErrorRate when hasTraffic => stats.ErrorRate * 100,
            AlertConditionKind.Rate => stats.RequestsPerSecond,
            _ => null,
        };
        if (value is not { } v || double.IsNaN(v) || !condition.Holds(v))
        {
            return;
        }
        var what = server is null ? $"pool {pool}" : $"server {server} of pool {pool}";
        var shown = condition.Kind switch
        {
            AlertConditionKind.P50 or AlertConditionKind.P99 => Invariant($"{v * 1000:0.#} ms"),
            AlertConditionKind.ErrorRate => Invariant($"{v:0.##}% errors"),
            _ => Invariant($"{v:0.#} requests/s"),
        };
        into.Add(new AlertMatch(pool, server, v, Invariant($"{what}: {condition.Kind.ToString().ToLowerInvariant()} {shown} over {stats.Span.TotalSeconds:0}s ({condition.Text})")));
    }

    private static void Node(AlertCondition condition, double? value, List<AlertMatch> into, Func<double, string> describe)
    {
        if (value is { } v && condition.Holds(v))
        {
            into.Add(new AlertMatch(null, null, v, describe(v)));
        }
    }

    private void ForServers(AlertRuleConfig rule, List<AlertMatch> into, Func<ServerState, double?> value, Func<PoolState, ServerState, double, string> describe)
    {
        foreach (var pool in Pools(rule))
        {
            foreach (var server in pool.Servers)
            {
                if ((rule.Server is null || rule.Server == server.Name) && value(server) is { } v)
                {
                    into.Add(new AlertMatch(pool.Name, server.Name, v, describe(pool, server, v)));
                }
            }
        }
    }

    private IEnumerable<PoolState> Pools(AlertRuleConfig rule)
    {
        if (_sources.Pools is not { } registry)
        {
            yield break;
        }
        foreach (var pool in registry.Pools.Values)
        {
            if (rule.Pool is null || rule.Pool == pool.Name)
            {
                yield return pool;
            }
        }
    }

    private static string Seen(DateTimeOffset? at) => at?.ToString("u", CultureInfo.InvariantCulture) ?? "never";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        if (_sources.Pair is { } pair)
        {
            pair.Changed -= OnPairEvent;
        }
    }
}

/// <summary>A label set for which a condition holds, with the value seen and a sentence for the description.</summary>
internal readonly record struct AlertMatch(string? Pool, string? Server, double Value, string Description)
{
    /// <summary>The certificate's name for certificate conditions (the <c>certificate</c> label).</summary>
    public string? Certificate { get; init; }
}
