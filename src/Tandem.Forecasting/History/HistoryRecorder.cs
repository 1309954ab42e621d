using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Forecasting.History;

/// <summary>
/// Writes per-minute request counts per pool (and per listener) to the <see cref="HistoryStore"/>. Adds nothing to the
/// request path: once a minute it samples the counters the proxy already keeps (<see cref="ServerState.Requests"/>
/// and friends, Interlocked increments per server) and stores the differences, in one transaction. A listener's series
/// is its pool's when it is the only listener serving that pool (listeners keep no request counter of their own);
/// listeners sharing a pool are not recorded separately. Also feeds each pool's <see cref="CapacityLearner"/>.
/// Concurrency: <see cref="Tick"/> runs on the timer (one at a time); <see cref="Learners"/> is safe to read anywhere.
/// </summary>
public sealed class HistoryRecorder : IDisposable
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private readonly HistoryStore _store;
    private readonly PoolRegistry _pools;
    private readonly Func<IReadOnlyList<ListenerConfig>> _listeners;
    private readonly HistoryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<ServerState, (long Requests, long Failures, long Latency)> _last = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _tickGate = new();
    private readonly Dictionary<string, CapacityLearner> _learners = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, CapacityLearner> _learnerSnapshot = new Dictionary<string, CapacityLearner>();
    private ITimer? _timer;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;
    private DateTimeOffset? _lastMinute;

    public HistoryRecorder(HistoryStore store, PoolRegistry pools, Func<IReadOnlyList<ListenerConfig>> listeners, HistoryOptions options,
        TimeProvider time, ILogger logger)
    {
        _store = store;
        _pools = pools;
        _listeners = listeners;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Each pool's capacity learner, by pool name.</summary>
    public IReadOnlyDictionary<string, CapacityLearner> Learners => _learnerSnapshot;

    /// <summary>Takes the first sample now, then ticks just after each minute boundary.</summary>
    public void Start()
    {
        Tick();
        var now = _time.GetUtcNow();
        var next = Truncate(now).AddMinutes(1).AddSeconds(1) - now;
        _timer = _time.CreateTimer(_ => SafeTick(), null, next, TimeSpan.FromMinutes(1));
    }

    /// <summary>
    /// Samples every server's counters and stores the growth since the last sample under the minute that just ended
    /// (the first call only takes the baseline of servers already counting).
    /// </summary>
    public void Tick()
    {
        lock (_tickGate)
        {
            var now = _time.GetUtcNow();
            var minute = Truncate(now).AddMinutes(-1);
            var baseline = _lastMinute is null;
            var rows = new List<MinuteCount>();
            var poolCounts = new Dictionary<string, long>(StringComparer.Ordinal);
            var seen = new HashSet<ServerState>(ReferenceEqualityComparer.Instance);
            foreach (var pool in _pools.Pools.Values)
            {
                long requests = 0, failures = 0, latency = 0;
                foreach (var server in pool.Servers)
                {
                    seen.Add(server);
                    var current = (server.Requests, server.Failures, server.LatencyMicroseconds);
                    // A server added since the last sample started from zero, so all it counted is new.
                    var last = _last.TryGetValue(server, out var l) ? l : (0, 0, 0);
                    requests += current.Requests - last.Item1;
                    failures += current.Failures - last.Item2;
                    latency += current.LatencyMicroseconds - last.Item3;
                    _last[server] = current;
                }
                poolCounts[pool.Name] = requests;
                if (!baseline)
                {
                    rows.Add(new MinuteCount(SeriesKey.Pool(pool.Name), minute, requests));
                    Learner(pool.Name).Observe(requests, failures, latency, Math.Max(1, pool.UsableCount));
                }
            }
            foreach (var gone in _last.Keys.Where(s => !seen.Contains(s)).ToList())
            {
                _last.Remove(gone);
            }
            if (!baseline)
            {
                AddListenerRows(rows, poolCounts, minute);
                try
                {
                    _store.AddMinutes(rows);
                    if (now - _lastPrune >= PruneEvery)
                    {
                        _store.Prune(now - _options.MinuteRetention, now - _options.HourRetention);
                        _lastPrune = now;
                    }
                }
                catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
                {
                    ForecastLog.HistoryWriteFailed(_logger, ex.Message);
                }
            }
            _lastMinute = minute;
        }
    }

    public void Dispose() => _timer?.Dispose();

    private void SafeTick()
    {
        try
        {
            Tick();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ForecastLog.HistoryWriteFailed(_logger, ex.Message);
        }
    }

    private void AddListenerRows(List<MinuteCount> rows, Dictionary<string, long> poolCounts, DateTimeOffset minute)
    {
        var listeners = _listeners();
        var perPool = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var listener in listeners)
        {
            perPool[listener.Pool] = perPool.GetValueOrDefault(listener.Pool) + 1;
        }
        foreach (var listener in listeners)
        {
            if (perPool[listener.Pool] == 1 && poolCounts.TryGetValue(listener.Pool, out var count))
            {
                rows.Add(new MinuteCount(SeriesKey.Listener(listener.Name), minute, count));
            }
        }
    }

    private CapacityLearner Learner(string pool)
    {
        if (!_learners.TryGetValue(pool, out var learner))
        {
            learner = new CapacityLearner();
            _learners[pool] = learner;
            _learnerSnapshot = new Dictionary<string, CapacityLearner>(_learners, StringComparer.Ordinal);
        }
        return learner;
    }

    internal static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
}
