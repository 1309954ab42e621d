using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Tandem.Core.Pools;
using Tandem.Forecasting.History;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Planning;

/// <summary>A forecaster whose models learn from history (the trained models); the seasonal naive stand-in needs none.</summary>
public interface IRetrainable
{
    /// <summary>
    /// Retrains the models of one series on <paramref name="history"/> and saves them under <paramref name="modelDirectory"/>;
    /// must stop soon after <paramref name="cancellationToken"/> fires (the time budget).
    /// </summary>
    void Retrain(string series, HourlySeries history, string modelDirectory, CancellationToken cancellationToken);
}

/// <summary>
/// Retrains the forecaster's models on a schedule (<c>forecast.retrain-interval</c>, first at start) on its own
/// background thread at below-normal priority, each series within a time budget, never on the request path.
/// Models are saved in <c>DATA-DIR/models</c>. Does nothing without an <see cref="IRetrainable"/>.
/// Concurrency: all work on the one thread; <see cref="Dispose"/> stops it.
/// </summary>
public sealed class ModelRetrainer : IDisposable
{
    /// <summary>The longest one series may train before it is cancelled (the models' own limit is 30 s).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    private readonly HistoryStore _store;
    private readonly PoolRegistry _pools;
    private readonly IRetrainable? _trainable;
    private readonly string _modelDirectory;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Thread? _thread;

    public ModelRetrainer(HistoryStore store, PoolRegistry pools, IRetrainable? trainable, string dataDir, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _store = store;
        _pools = pools;
        _trainable = trainable;
        _modelDirectory = Path.Combine(dataDir, "models");
        _interval = interval;
        _time = time;
        _logger = logger;
    }

    public void Start()
    {
        if (_trainable is null)
        {
            return;
        }
        _thread = new Thread(Run) { IsBackground = true, Priority = ThreadPriority.BelowNormal, Name = "tandem-retrain" };
        _thread.Start();
    }

    /// <summary>Retrains every pool's series once; returns how many were retrained.</summary>
    public int RetrainOnce(CancellationToken cancellationToken)
    {
        if (_trainable is not { } trainable)
        {
            return 0;
        }
        Directory.CreateDirectory(_modelDirectory);
        var started = Stopwatch.GetTimestamp();
        var now = _time.GetUtcNow();
        var hourStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        var count = 0;
        foreach (var pool in _pools.Pools.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = SeriesKey.Pool(pool.Name);
            if (_store.FirstHour(key) is not { } first)
            {
                continue;
            }
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(Budget);
            trainable.Retrain(pool.Name, _store.Hours(key, first, hourStart), _modelDirectory, budget.Token);
            count++;
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        ForecastLog.Retrained(_logger, count, elapsed);
        return count;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _thread?.Join(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
    }

    private void Run()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                RetrainOnce(token);
                Task.Delay(_interval, _time, token).Wait(token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ForecastLog.RetrainFailed(_logger, ex.Message);
                try
                {
                    Task.Delay(_interval, _time, token).Wait(token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
