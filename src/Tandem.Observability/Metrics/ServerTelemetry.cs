using Prometheus;
using Tandem.Core.Pools;
using Tandem.Observability.Live;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The instruments of one server, resolved once. A status class's counter is created on its first use, so a server
/// that never answered 4xx exports no 4xx series.
/// Concurrency: any request thread; lazy creation races are harmless (the registry returns the same child).
/// </summary>
internal sealed class ServerTelemetry : IServerTelemetry
{
    internal static readonly string[] CodeLabels = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly TandemMetrics _metrics;
    private readonly string _pool;
    private readonly string _server;
    private readonly Counter.Child?[] _byClass = new Counter.Child?[CodeLabels.Length];
    private readonly Histogram.Child _duration;
    private readonly LatencyRecorder _live;
    private int _disposed;

    public ServerTelemetry(TandemMetrics metrics, string pool, string server)
    {
        _metrics = metrics;
        _pool = pool;
        _server = server;
        _duration = metrics.DurationHistogram(pool, server);
        _live = metrics.Live.Recorder(pool, server);
    }

    public void RequestCompleted(int statusCode, double seconds)
    {
        var index = Math.Clamp(statusCode / 100, 1, 5) - 1;
        var counter = _byClass[index] ??= _metrics.RequestCounter(_pool, _server, CodeLabels[index]);
        counter.Inc();
        _duration.Observe(seconds);
        _live.Record(statusCode, seconds);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _metrics.RemoveServer(_pool, _server);
        }
    }
}
