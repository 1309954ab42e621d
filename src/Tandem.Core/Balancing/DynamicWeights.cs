using Tandem.Core.Health;
using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// <c>dynamic-weighted</c>: turns what the balancer sees of each server, and what the server reports about itself,
/// into effective weights, once per tick (500 ms). The formula, per usable server of a pool:
/// <code>
///   latency  L = average response time over the tick, smoothed: L = (L + L_tick) / 2
///   errors   E = failed / requests over the tick, smoothed the same way
///   busy     B = requests in flight on average over the tick = sum of response times / tick length (Little's law),
///                smoothed the same way (an average, not the count at the instant of the tick, which jitters)
///   relative r = (B / weight) / mean over the pool of (B / weight)       (1 = as busy as the average)
///   cost     C = L x (1 + r) / 2                          (latency, tempered by how busy the server is)
///   q        = min(1, 1.25 x C_best / C)                 (within 25% of the best counts as equal: no jitter)
///   base     = weight=N from the agent, else the configured (or run-time) weight
///   agent    = 1 - load% / 100 from the agent, else 1
///   target   = base x q x agent x (1 - E)^2, clamped to [10% of base, base]
///   weight   = target when lower (relief at once); else weight += (target - weight) / 2 (recovery half way per tick)
/// </code>
/// A new weight is published only when it moved at least 5% of base (hysteresis), so weights settle instead of
/// flapping, and it never drops below 10% of base while the server is up (down servers are skipped anyway).
/// Concurrency: one tick at a time (the caller's loop); request threads only read the published weights.
/// </summary>
public sealed class DynamicWeights
{
    private const double Smoothing = 0.5;
    private const double Tolerance = 1.25;
    private const double Floor = 0.1;
    private const double Hysteresis = 0.05;

    /// <summary>Keeps the busyness ratio finite and near 1 for idle pools.</summary>
    private const double BusyFloor = 0.1;

    private readonly Dictionary<ServerState, Tracker> _trackers = new(ReferenceEqualityComparer.Instance);

    /// <summary>Computes and publishes the weights of one pool. Returns the servers' new weights in tenths.</summary>
    /// <summary>The tick the service runs this at.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    /// <param name="pool">The pool to reweigh.</param>
    /// <param name="reports">The fresh agent report of a server, or null.</param>
    /// <param name="elapsed">Time since the previous update of this pool; <see cref="Tick"/> when null.</param>
    public IReadOnlyList<(ServerState Server, int Weight)> Update(PoolState pool, Func<ServerState, AgentReport?> reports, TimeSpan? elapsed = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(reports);
        var seconds = Math.Max(0.001, (elapsed ?? Tick).TotalSeconds);
        var now = new List<(ServerState Server, Tracker Tracker)>(pool.Servers.Count);
        foreach (var server in pool.Servers)
        {
            if (!_trackers.TryGetValue(server, out var tracker))
            {
                tracker = new Tracker();
                _trackers[server] = tracker;
            }
            tracker.Sample(server, seconds);
            now.Add((server, tracker));
        }

        // Relative busyness: average concurrency per unit of weight against the pool's mean (1 = average).
        var busySum = 0.0;
        var busyCount = 0;
        foreach (var (server, tracker) in now)
        {
            if (server.IsUsable)
            {
                busySum += tracker.Busy / server.Weight;
                busyCount++;
            }
        }
        var meanBusy = busyCount == 0 ? 0 : busySum / busyCount;
        var bestCost = double.MaxValue;
        foreach (var (server, tracker) in now)
        {
            tracker.Cost = tracker.Latency * (1 + ((tracker.Busy / server.Weight) + BusyFloor) / (meanBusy + BusyFloor)) / 2;
            if (server.IsUsable && tracker.Latency > 0)
            {
                bestCost = Math.Min(bestCost, tracker.Cost);
            }
        }

        var published = new List<(ServerState Server, int Weight)>(now.Count);
        foreach (var (server, tracker) in now)
        {
            var report = reports(server);
            var baseWeight = report?.Weight ?? server.Weight;
            var agent = report?.LoadPercent is { } load ? 1 - Math.Clamp(load, 0, 100) / 100 : 1;
            var q = tracker.Latency > 0 && bestCost < double.MaxValue ? Math.Min(1, Tolerance * bestCost / tracker.Cost) : 1;
            var target = Math.Clamp(baseWeight * q * agent * Math.Pow(1 - tracker.Errors, 2), Floor * baseWeight, baseWeight);
            // Down at once (a server in trouble is relieved within a tick), up half way per tick (recovery is gradual).
            tracker.Weight = tracker.Weight == 0 || target < tracker.Weight ? target : tracker.Weight + Smoothing * (target - tracker.Weight);
            var tenths = Math.Max(1, (int)Math.Round(tracker.Weight * 10 * SlowStart.Factor(server, pool.Config.SlowStart, pool.Context.Time)));
            if (tracker.Published == 0 || Math.Abs(tenths - tracker.Published) >= Math.Max(1, Hysteresis * baseWeight * 10))
            {
                tracker.Published = tenths;
            }
            published.Add((server, tracker.Published));
        }
        pool.SetDynamicWeights(published);
        return published;
    }

    /// <summary>Forgets servers that are no longer in any of <paramref name="pools"/> (after a reload).</summary>
    public void Retain(IEnumerable<PoolState> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        var live = new HashSet<ServerState>(ReferenceEqualityComparer.Instance);
        foreach (var pool in pools)
        {
            live.UnionWith(pool.Servers);
        }
        foreach (var server in _trackers.Keys.ToList())
        {
            if (!live.Contains(server))
            {
                _trackers.Remove(server);
            }
        }
    }

    /// <summary>Per-server smoothed inputs and the weight last computed and published.</summary>
    /// <summary>Starts from zero, so the first tick uses everything the server did before its tracker existed.</summary>
    private sealed class Tracker
    {
        private long _requests;
        private long _failures;
        private long _latency;

        public double Latency { get; private set; }

        public double Errors { get; private set; }

        public double Busy { get; private set; }

        public double Weight { get; set; }

        public int Published { get; set; }

        public double Cost { get; set; }

        public void Sample(ServerState s, double seconds)
        {
            var requests = s.Requests;
            var failures = s.Failures;
            var latency = s.LatencyMicroseconds;
            var count = requests - _requests;
            if (count > 0)
            {
                var tickLatency = (latency - _latency) / 1e6 / count;
                var tickErrors = Math.Clamp((double)(failures - _failures) / count, 0, 1);
                Latency = Latency == 0 ? tickLatency : Latency + Smoothing * (tickLatency - Latency);
                Errors += Smoothing * (tickErrors - Errors);
            }
            Busy += Smoothing * ((latency - _latency) / 1e6 / seconds - Busy);
            (_requests, _failures, _latency) = (requests, failures, latency);
        }
    }
}

/// <summary>What a server's agent last reported: its load in percent, or an absolute weight.</summary>
public sealed record AgentReport(double? LoadPercent, int? Weight)
{
    /// <summary>Parses an agent's body: <c>42</c>, <c>42%</c>, <c>42.5</c> (load percent) or <c>weight=N</c> (1..256).</summary>
    public static AgentReport? TryParse(ReadOnlySpan<char> body)
    {
        body = body.Trim();
        if (body.StartsWith("weight=", StringComparison.OrdinalIgnoreCase))
        {
            return int.TryParse(body[7..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var weight)
                && weight is >= 1 and <= 256 ? new AgentReport(null, weight) : null;
        }
        if (body.EndsWith('%'))
        {
            body = body[..^1];
        }
        return double.TryParse(body, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var load)
            && load is >= 0 and <= 100 ? new AgentReport(load, null) : null;
    }
}
