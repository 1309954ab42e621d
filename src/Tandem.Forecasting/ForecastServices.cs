using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Forecasting.History;
using Tandem.Forecasting.Models;
using Tandem.Forecasting.Planning;

namespace Tandem.Forecasting;

/// <summary>
/// Everything forecasting runs in a node, started together when the config has a <c>forecast</c> section: the history
/// store and recorder, the scale-ahead planner and the model retrainer. The <c>forecast</c> section itself (data
/// directory, retention, retrain interval) is read at start; per-pool <c>capacity</c> and <c>scale-ahead</c> follow
/// reloads at the next planning round.
/// Concurrency: <see cref="Start"/> and <see cref="Dispose"/> from the host only.
/// </summary>
public sealed class ForecastServices : IDisposable
{
    private readonly HistoryRecorder _recorder;
    private readonly ModelRetrainer _retrainer;
    private readonly HttpClient _http;

    private ForecastServices(HistoryStore store, HistoryRecorder recorder, ScalePlanner planner, ModelRetrainer retrainer, PoolForecasters forecasters,
        HttpClient http, TimeProvider time, HistoryOptions options)
    {
        Store = store;
        _recorder = recorder;
        Planner = planner;
        _retrainer = retrainer;
        Forecasters = forecasters;
        _http = http;
        Time = time;
        Options = options;
    }

    public HistoryStore Store { get; }

    public ScalePlanner? Planner { get; }

    /// <summary>Each pool's forecaster: trained from its history in the background, seasonal naive until then.</summary>
    public PoolForecasters Forecasters { get; }

    public TimeProvider Time { get; }

    public HistoryOptions Options { get; }

    /// <summary>Opens the store in the configured data directory and starts recording, planning and retraining.</summary>
    /// <param name="config">The node's <c>forecast</c> section.</param>
    /// <param name="pools">The running pools.</param>
    /// <param name="listeners">The current listeners (read each minute, so reloads are followed).</param>
    /// <param name="signals">Where the planner publishes its outlooks.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggers">Loggers.</param>
    public static ForecastServices Start(ForecastConfig config, PoolRegistry pools, Func<IReadOnlyList<ListenerConfig>> listeners, ForecastSignals signals,
        TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        var options = HistoryOptions.From(config);
        var logger = loggers.CreateLogger("Tandem.Forecasting");
        var store = HistoryStore.Open(options.DataDir);
        var forecasters = new PoolForecasters(DefaultForecaster.Create(), new ForecasterOptions { Time = time });
        forecasters.Load(Path.Combine(options.DataDir, "models"), pools.Pools.Keys);
        var recorder = new HistoryRecorder(store, pools, listeners, options, time, logger);
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var planner = new ScalePlanner(pools, store, forecasters.For, signals, new ScaleActionRunner(http, time),
            pool => recorder.Learners.TryGetValue(pool, out var learner) ? learner.Capacity : 0, time, logger);
        var retrainer = new ModelRetrainer(store, pools, forecasters, options.DataDir, options.RetrainInterval, time, logger);
        var fullPath = Path.GetFullPath(options.DataDir);
        ForecastLog.HistoryStarted(logger, fullPath, options.MinuteRetention.TotalDays, options.HourRetention.TotalDays);
        recorder.Start();
        planner.Start();
        retrainer.Start();
        return new ForecastServices(store, recorder, planner, retrainer, forecasters, http, time, options);
    }

    public void Dispose()
    {
        Planner?.Dispose();
        _retrainer.Dispose();
        _recorder.Dispose();
        // The minute in progress is written so a restart loses at most the seconds since the last boundary.
        _recorder.Tick();
        _http.Dispose();
        Store.Dispose();
    }
}
