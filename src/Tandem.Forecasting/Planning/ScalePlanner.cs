using System.Globalization;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Forecasting.History;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Planning;

/// <summary>
/// Plans every pool that has <c>scale-ahead</c>, once a minute (and at start): loads its hourly history, asks the
/// <see cref="IForecaster"/> for the next 24 hours, takes the highest upper bound of the hours the lead window
/// (now .. now + lead) touches, never below the rate of the last five minutes, and feeds it to the pool's
/// <see cref="ScalePolicy"/> with the active servers (usable primaries plus woken backups). When the policy scales out,
/// it acts before the peak: wakes backups (<c>wake-backups</c>, ramped by slow start), calls webhooks and commands
/// with the servers needed; when it scales in (hysteresis in <see cref="ScalePolicy"/>) it parks woken backups and
/// tells webhooks and commands again. Publishes each pool's <see cref="PoolOutlook"/> to <see cref="ForecastSignals"/>.
/// Concurrency: rounds run one at a time on the timer; <see cref="Plans"/> is an immutable snapshot read lock-free.
/// </summary>
public sealed class ScalePlanner : IDisposable
{
    /// <summary>History loaded for each forecast (the forecaster needs at least a week for seasonal lags).</summary>
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(56);

    private const int ForecastHours = 24;
    private const int KeptActions = 20;
    private static readonly TimeSpan RecentWindow = TimeSpan.FromMinutes(5);

    private readonly PoolRegistry _pools;
    private readonly HistoryStore _store;
    private readonly Func<string, IForecaster> _forecasterFor;
    private readonly ForecastSignals _signals;
    private readonly IScaleActions _actions;
    private readonly Func<string, double> _learnedCapacity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _round = new(1, 1);
    private readonly Dictionary<string, PoolPlanner> _planners = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private volatile IReadOnlyDictionary<string, PoolPlan> _plans = new Dictionary<string, PoolPlan>();
    private ITimer? _timer;

    /// <param name="pools">The running pools.</param>
    /// <param name="store">The traffic history.</param>
    /// <param name="forecaster">What predicts the next hours.</param>
    /// <param name="signals">Where outlooks are published for alerts and the dashboard.</param>
    /// <param name="actions">Runs webhooks and commands.</param>
    /// <param name="learnedCapacity">Requests/s per server learned for a pool (0 when unknown); used when <c>capacity</c> is absent.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where decisions are logged.</param>
    public ScalePlanner(PoolRegistry pools, HistoryStore store, IForecaster forecaster, ForecastSignals signals, IScaleActions actions,
        Func<string, double> learnedCapacity, TimeProvider time, ILogger logger)
        : this(pools, store, _ => forecaster, signals, actions, learnedCapacity, time, logger)
    {
    }

    /// <summary>As above, with a forecaster per pool (the trained ones of <see cref="PoolForecasters"/>).</summary>
    public ScalePlanner(PoolRegistry pools, HistoryStore store, Func<string, IForecaster> forecasterFor, ForecastSignals signals, IScaleActions actions,
        Func<string, double> learnedCapacity, TimeProvider time, ILogger logger)
    {
        _pools = pools;
        _store = store;
        _forecasterFor = forecasterFor;
        _signals = signals;
        _actions = actions;
        _learnedCapacity = learnedCapacity;
        _time = time;
        _logger = logger;
    }

    /// <summary>The latest plan per pool with <c>scale-ahead</c>.</summary>
    public IReadOnlyDictionary<string, PoolPlan> Plans => _plans;

    /// <summary>Plans once now (in the background), then every minute.</summary>
    public void Start()
    {
        // The token is taken now: a tick already running when Dispose disposes the source must not touch it.
        var stopping = _stopping.Token;
        _timer = _time.CreateTimer(_ => _ = TickAsync(stopping), null, TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }

    /// <summary>One planning round over every pool; a round still running makes this one a no-op.</summary>
    public async Task RoundAsync(CancellationToken cancellationToken)
    {
        if (!await _round.WaitAsync(0, cancellationToken))
        {
            return;
        }
        try
        {
            var plans = new Dictionary<string, PoolPlan>(StringComparer.Ordinal);
            foreach (var pool in _pools.Pools.Values)
            {
                if (pool.Config.ScaleAhead is not { } scaleAhead)
                {
                    continue;
                }
                try
                {
                    if (await PlanAsync(pool, scaleAhead, cancellationToken) is { } plan)
                    {
                        plans[pool.Name] = plan;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    ForecastLog.PlanFailed(_logger, pool.Name, ex.Message);
                }
            }
            foreach (var gone in _planners.Keys.Where(name => !plans.ContainsKey(name) && _pools.Find(name)?.Config.ScaleAhead is null).ToList())
            {
                _planners.Remove(gone);
            }
            _plans = plans;
            var outlooks = new Dictionary<string, PoolOutlook>(StringComparer.Ordinal);
            foreach (var (name, plan) in plans)
            {
                if (plan.Outlook is { } outlook)
                {
                    outlooks[name] = outlook;
                }
            }
            _signals.Update(outlooks);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RoundAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task<PoolPlan?> PlanAsync(PoolState pool, ScaleAheadConfig scaleAhead, CancellationToken cancellationToken)
    {
        var configured = pool.Config.Capacity;
        var capacity = configured ?? _learnedCapacity(pool.Name);
        if (!(capacity > 0))
        {
            ForecastLog.NoCapacity(_logger, pool.Name);
            return null;
        }
        var now = _time.GetUtcNow();
        var hourStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        var history = _store.Hours(SeriesKey.Pool(pool.Name), hourStart - HistoryWindow, hourStart);
        var forecast = _forecasterFor(pool.Name).Forecast(history, ForecastHours);
        var lead = scaleAhead.Lead ?? ConfigDefaults.ScaleAheadLead;
        var minuteNow = HistoryRecorder.Truncate(now);
        var recent = _store.MinuteTotal(SeriesKey.Pool(pool.Name), minuteNow - RecentWindow, minuteNow) / RecentWindow.TotalSeconds;
        var peak = recent;
        foreach (var hour in forecast)
        {
            if (hour.Hour < now + lead && hour.Hour.AddHours(1) > now && !double.IsNaN(hour.Upper))
            {
                peak = Math.Max(peak, hour.Upper / 3600);
            }
        }

        var planner = Planner(pool, scaleAhead, capacity);
        var before = planner.Policy.Current;
        var usableBefore = planner.Policy.Usable(before);
        var overload = peak > usableBefore;
        var after = planner.Policy.Decide(peak);
        string? action = planner.LastAction;
        if (after != before)
        {
            var direction = after > before ? "out" : "in";
            if (direction == "out")
            {
                ForecastLog.OverloadPredicted(_logger, pool.Name, lead, peak, usableBefore, after);
            }
            var request = new ScaleRequest(pool.Name, peak, capacity, after, now, direction);
            action = await ActAsync(pool, planner, scaleAhead, request, cancellationToken);
            planner.LastAction = action;
            if (direction == "in")
            {
                ForecastLog.ScaledIn(_logger, pool.Name, action);
            }
        }
        var outlook = new PoolOutlook(pool.Name, now, peak, planner.Policy.Usable(after), overload, planner.Policy.Needed(peak), action);
        var actual = Tail(history, ForecastHours);
        var hourly = forecast.Select(hour => planner.Policy.Needed(hour.Upper / 3600)).ToList();
        return new PoolPlan(outlook, actual, forecast, after, configured is null ? "learned" : "configured", planner.Actions.ToList(), capacity, hourly);
    }

    private async Task<string> ActAsync(PoolState pool, PoolPlanner planner, ScaleAheadConfig scaleAhead, ScaleRequest request, CancellationToken cancellationToken)
    {
        var done = new List<string>();
        foreach (var action in scaleAhead.Actions)
        {
            PlannedAction outcome;
            if (action.Kind == ScaleActionKind.WakeBackups)
            {
                outcome = WakeBackups(pool, request);
            }
            else
            {
                outcome = await _actions.RunAsync(action, request, cancellationToken);
                if (!outcome.Ok)
                {
                    ForecastLog.ActionFailed(_logger, pool.Name, action.Kind.ToString(), outcome.Description);
                }
            }
            planner.Record(outcome);
            ForecastLog.ActionTaken(_logger, pool.Name, outcome.Description);
            done.Add(outcome.Description);
        }
        if (done.Count == 0)
        {
            var signal = new PlannedAction(request.At, string.Create(CultureInfo.InvariantCulture,
                $"scale-{request.Direction} to {request.ServersNeeded} servers planned (no actions configured)"), true);
            planner.Record(signal);
            done.Add(signal.Description);
        }
        return string.Join("; ", done);
    }

    /// <summary>Wakes backups until the pool has the servers needed in rotation, or parks woken ones beyond that.</summary>
    private static PlannedAction WakeBackups(PoolState pool, ScaleRequest request)
    {
        var primaries = 0;
        var woken = new List<ServerState>();
        var sleeping = new List<ServerState>();
        foreach (var server in pool.Servers)
        {
            if (!server.Config.Backup)
            {
                primaries += server.IsUsable ? 1 : 0;
            }
            else if (server.Prewarmed)
            {
                woken.Add(server);
            }
            else if (server.IsUsable)
            {
                sleeping.Add(server);
            }
        }
        var want = Math.Max(0, request.ServersNeeded - primaries);
        var changed = new List<string>();
        for (var i = woken.Count; i < want && sleeping.Count > 0; i++)
        {
            var server = sleeping[0];
            sleeping.RemoveAt(0);
            pool.SetPrewarmed(server, true);
            changed.Add(server.Name);
        }
        for (var i = woken.Count - 1; i >= want; i--)
        {
            pool.SetPrewarmed(woken[i], false);
            changed.Add(woken[i].Name);
        }
        var verb = request.Direction == "out" ? "woke" : "parked";
        var text = changed.Count == 0
            ? $"no backup to {(request.Direction == "out" ? "wake" : "park")} for {request.ServersNeeded} servers"
            : $"{verb} backup{(changed.Count == 1 ? "" : "s")} {string.Join(", ", changed)}";
        return new PlannedAction(request.At, text, changed.Count > 0 || request.Direction == "in");
    }

    private PoolPlanner Planner(PoolState pool, ScaleAheadConfig scaleAhead, double capacity)
    {
        var primaries = 0;
        var backups = 0;
        var outside = false;
        foreach (var server in pool.Servers)
        {
            if (server.Config.Backup)
            {
                backups++;
            }
            else
            {
                primaries++;
            }
        }
        foreach (var action in scaleAhead.Actions)
        {
            outside |= action.Kind != ScaleActionKind.WakeBackups;
        }
        // Webhooks and commands can add servers the pool does not list; backups alone cap the plan at the pool's size.
        var max = outside ? Math.Max(primaries + backups, primaries * 10) : primaries + backups;
        var threshold = scaleAhead.Threshold ?? ConfigDefaults.ScaleAheadThreshold;
        if (!_planners.TryGetValue(pool.Name, out var planner) || planner.Policy.Threshold != threshold
            || planner.Policy.BaseServers != primaries || planner.Policy.MaxServers != max)
        {
            planner = new PoolPlanner(new ScalePolicy(capacity, threshold, primaries, max), planner);
            _planners[pool.Name] = planner;
        }
        planner.Policy.Capacity = capacity;
        return planner;
    }

    private static HourlySeries Tail(HourlySeries series, int hours)
    {
        var take = Math.Min(hours, series.Count);
        return new HourlySeries(series.HourAt(series.Count - take), series.Values[(series.Count - take)..]);
    }

    /// <summary>One pool's policy and action log, kept across rounds.</summary>
    private sealed class PoolPlanner(ScalePolicy policy, PoolPlanner? previous)
    {
        private readonly Queue<PlannedAction> _actions = new(previous?._actions ?? []);

        public ScalePolicy Policy { get; } = policy;

        public string? LastAction { get; set; } = previous?.LastAction;

        public IEnumerable<PlannedAction> Actions => _actions;

        public void Record(PlannedAction action)
        {
            _actions.Enqueue(action);
            while (_actions.Count > KeptActions)
            {
                _actions.Dequeue();
            }
        }
    }
}
