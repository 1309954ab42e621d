using Prometheus;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
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
    private readonly Histogram.Child _upstream;
    private readonly Histogram.Child _overhead;
    private readonly Counter.Child _requestBytes;
    private readonly Counter.Child _responseBytes;
    private readonly Counter.Child?[] _retries = new Counter.Child?[Enum.GetValues<RequestError>().Length];
    private readonly bool _enabled;
    private readonly LatencyRecorder _live;
    private int _disposed;

    public ServerTelemetry(TandemMetrics metrics, string pool, string server)
    {
        _metrics = metrics;
        _pool = pool;
        _server = server;
        _duration = metrics.DurationHistogram(pool, server);
        _upstream = metrics.UpstreamHistogram(pool, server);
        _overhead = metrics.OverheadHistogram(pool, server);
        _requestBytes = metrics.RequestBytes(pool, server);
        _responseBytes = metrics.ResponseBytes(pool, server);
        _enabled = metrics.Enabled;
        _live = metrics.Live.Recorder(pool, server);
    }

    /// <summary>One attempt ended (per attempt: a retried request counts on each server it tried).</summary>
    public void RequestCompleted(int statusCode, double seconds)
    {
        if (!_enabled)
        {
            _live.Record(statusCode, seconds);
            return;
        }
        var index = Math.Clamp(statusCode / 100, 1, 5) - 1;
        var counter = _byClass[index] ??= _metrics.RequestCounter(_pool, _server, CodeLabels[index]);
        counter.Inc();
        _duration.Observe(seconds);
        _live.Record(statusCode, seconds);
    }

    /// <summary>A request whose last attempt went to this server (or, for "none", to no server) ended.</summary>
    public void ExchangeCompleted(double upstreamSeconds, double overheadSeconds, long requestBytes, long responseBytes, bool reachedServer)
    {
        if (reachedServer)
        {
            _upstream.Observe(upstreamSeconds);
        }
        _overhead.Observe(overheadSeconds);
        if (requestBytes > 0)
        {
            _requestBytes.Inc(requestBytes);
        }
        if (responseBytes > 0)
        {
            _responseBytes.Inc(responseBytes);
        }
    }

    /// <summary>An attempt on this server failed for <paramref name="reason"/> and was retried on another.</summary>
    public void Retried(RequestError reason)
    {
        var counter = _retries[(int)reason] ??= _metrics.RetryCounter(_pool, RequestErrors.Name(reason));
        counter.Inc();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _metrics.RemoveServer(_pool, _server);
        }
    }
}
