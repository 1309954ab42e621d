namespace Tandem.Observability.Live;

/// <summary>
/// Live per-second statistics of every pool and server for the dashboard and alert rules: requests/s, error rate and
/// p50/p99 per tick for the last 15 minutes, and windowed totals for the last two minutes. The request path only
/// increments counters in a <see cref="LatencyRecorder"/>; a timer turns them into samples once per tick.
/// Concurrency: <see cref="Recorder"/>/<see cref="Remove"/> from config changes, <see cref="Tick"/> from the timer, reads from
/// any thread; all but the recorders' counters are guarded by one lock that the request path never takes.
/// </summary>
public sealed class LiveStats : IDisposable
{
    /// <summary>Samples kept per series: 15 minutes at one per second.</summary>
    public const int HistoryLength = 900;

    /// <summary>Cumulative snapshots kept per series for windowed statistics: two minutes at one per second.</summary>
    public const int WindowLength = 121;

    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Pool, string Server), LiveSeries> _servers = [];
    private readonly Dictionary<string, LiveSeries> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Listener, string? Route), RateSeries> _rates = [];
    private ITimer? _timer;
    private DateTimeOffset _lastTick;

    public LiveStats(TimeProvider time, TimeSpan? interval = null)
    {
        _time = time;
        _interval = interval ?? TimeSpan.FromSeconds(1);
        _lastTick = time.GetUtcNow();
    }

    /// <summary>The sampling interval (one second unless a test says otherwise).</summary>
    public TimeSpan Interval => _interval;

    /// <summary>Raised after every tick, on the timer's thread; handlers must not block (the dashboard's SSE push).</summary>
    public event Action<DateTimeOffset>? Sampled;

    public void Start() => _timer ??= _time.CreateTimer(_ => Tick(), null, _interval, _interval);

    /// <summary>The recorder of a server (or <c>none</c>, the pool's unrouted requests), created on first use.</summary>
    public LatencyRecorder Recorder(string pool, string server)
    {
        lock (_gate)
        {
            if (!_servers.TryGetValue((pool, server), out var series))
            {
                series = new LiveSeries(new LatencyRecorder(pool, server), HistoryLength, WindowLength);
                _servers[(pool, server)] = series;
                if (!_pools.ContainsKey(pool))
                {
                    _pools[pool] = new LiveSeries(null, HistoryLength, WindowLength);
                }
            }
            return series.Recorder!;
        }
    }

    /// <summary>
    /// Samples the cumulative counts <paramref name="read"/> gives once per tick: a route's (<paramref name="route"/> its
    /// name) or a layer-4 listener's (<paramref name="route"/> null). Called when the route or listener is first set up,
    /// never per request; a later call for the same key is ignored (its counts are shared by every generation of it).
    /// </summary>
    public void Track(string listener, string? route, Func<LiveTotals> read)
    {
        lock (_gate)
        {
            _rates.TryAdd((listener, route), new RateSeries(read));
        }
    }

    /// <summary>The rates of a route (or, <paramref name="route"/> null, a layer-4 listener) as of the last tick; null before it.</summary>
    public LiveRate? Rate(string listener, string? route)
    {
        lock (_gate)
        {
            return _rates.GetValueOrDefault((listener, route))?.Latest;
        }
    }

    /// <summary>Forgets a server that left the config; its pool goes with its last server.</summary>
    public void Remove(string pool, string server)
    {
        lock (_gate)
        {
            _servers.Remove((pool, server));
            foreach (var key in _servers.Keys)
            {
                if (key.Pool == pool)
                {
                    return;
                }
            }
            _pools.Remove(pool);
        }
    }

    /// <summary>Takes one sample of every series. Called by the timer; public for tests on a fake clock.</summary>
    public void Tick()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var seconds = Math.Max(0.001, (now - _lastTick).TotalSeconds);
            _lastTick = now;
            var members = new Dictionary<string, List<LiveSeries>>(StringComparer.Ordinal);
            foreach (var ((pool, _), series) in _servers)
            {
                series.Advance(now, seconds);
                if (!members.TryGetValue(pool, out var list))
                {
                    members[pool] = list = [];
                }
                list.Add(series);
            }
            foreach (var (pool, series) in _pools)
            {
                series.AdvanceAggregate(now, seconds, members.TryGetValue(pool, out var list) ? list : []);
            }
            foreach (var rate in _rates.Values)
            {
                rate.Advance(seconds);
            }
        }
        Sampled?.Invoke(now);
    }

    /// <summary>The newest sample of a pool (<paramref name="server"/> null) or a server.</summary>
    public LiveSample? Latest(string pool, string? server = null)
    {
        lock (_gate)
        {
            return Find(pool, server)?.Latest;
        }
    }

    /// <summary>The samples of the last <paramref name="span"/> (at most 15 minutes), oldest first.</summary>
    public IReadOnlyList<LiveSample> History(string pool, string? server, TimeSpan span)
    {
        lock (_gate)
        {
            return Find(pool, server)?.Since(_time.GetUtcNow() - span) ?? [];
        }
    }

    /// <summary>Totals over the last <paramref name="window"/> (at most two minutes); null before two ticks.</summary>
    public WindowStats? Window(string pool, string? server, TimeSpan window)
    {
        var ticks = (int)Math.Ceiling(window / _interval);
        lock (_gate)
        {
            return Find(pool, server)?.Window(Math.Max(1, ticks), _interval.TotalSeconds);
        }
    }

    /// <summary>Every series: pools (Server null) and servers.</summary>
    public IReadOnlyList<(string Pool, string? Server)> Series()
    {
        lock (_gate)
        {
            var list = new List<(string, string?)>(_pools.Count + _servers.Count);
            foreach (var pool in _pools.Keys)
            {
                list.Add((pool, null));
            }
            foreach (var key in _servers.Keys)
            {
                list.Add((key.Pool, key.Server));
            }
            return list;
        }
    }

    private LiveSeries? Find(string pool, string? server) =>
        server is null ? _pools.GetValueOrDefault(pool) : _servers.GetValueOrDefault((pool, server));

    public void Dispose() => _timer?.Dispose();
}
