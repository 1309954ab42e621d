using Microsoft.AspNetCore.Http;
using Prometheus;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Core.Telemetry;
using Tandem.Observability.AccessLog;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The connections and requests of one listener: connection counts, requests in flight, the per-request series and
/// the access log line. Everything it records per request was resolved when the listener (or server) started: no
/// label lookup, no string building, no lock.
/// Concurrency: any connection or request thread.
/// </summary>
public sealed class ListenerTelemetry : IListenerTelemetry
{
    /// <summary>The <c>method</c> label values; <see cref="MethodIndex"/> maps a method onto them.</summary>
    internal static readonly string[] MethodNames = ["GET", "HEAD", "POST", "PUT", "DELETE", "other"];

    private readonly TandemMetrics _metrics;
    private readonly string _name;
    private readonly ListenerCounters _counters;
    private readonly Gauge.Child _open;
    private readonly Counter.Child _accepted;
    private readonly AccessLogWriter? _accessLog;
    private readonly bool _enabled;
    private readonly bool _byMethod;
    private readonly TimeProvider _time;
    private long _openCount;

    internal ListenerTelemetry(TandemMetrics metrics, string name, ListenerCounters counters, Gauge.Child open, Counter.Child accepted, AccessLogWriter? accessLog)
    {
        _metrics = metrics;
        _name = name;
        _counters = counters;
        _open = open;
        _accepted = accepted;
        _accessLog = accessLog;
        _enabled = metrics.Enabled;
        _byMethod = metrics.MethodLabels.Length > 1;
        _time = metrics.Time;
    }

    /// <summary>Open client connections of this listener.</summary>
    public long OpenConnections => Interlocked.Read(ref _openCount);

    /// <summary>Requests of this listener (of every generation of it) being served now.</summary>
    public long InFlight => Interlocked.Read(ref _counters.InFlight);

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _openCount);
        _open.Inc();
        _accepted.Inc();
    }

    public void ConnectionClosed()
    {
        Interlocked.Decrement(ref _openCount);
        _open.Dec();
    }

    /// <summary>Whether requests are counted or logged at all (the response body counter is worth attaching).</summary>
    public bool RecordsRequests => _enabled || _accessLog is not null;

    /// <summary>A request arrived; pair with <see cref="RequestEnded"/>.</summary>
    public void RequestStarted() => Interlocked.Increment(ref _counters.InFlight);

    /// <summary>An attempt on <paramref name="server"/> failed and the request is retried elsewhere.</summary>
    public void Retried(ServerState server, RequestError reason)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (_enabled && server.Telemetry is ServerTelemetry telemetry)
        {
            telemetry.Retried(reason);
        }
    }

    /// <summary>The request ended: it is no longer in flight.</summary>
    public void RequestEnded() => Interlocked.Decrement(ref _counters.InFlight);

    /// <summary>Counts the ended request and hands its line to the access log.</summary>
    public void Record(in RequestRecord record)
    {
        if (!_enabled && _accessLog is null)
        {
            return;
        }
        var upstream = record.Server is null ? 0 : record.UpstreamSeconds;
        if (_enabled)
        {
            var code = Math.Clamp(record.Status / 100, 1, 5) - 1;
            var methodIndex = _byMethod ? MethodIndex(record.Method) : 0;
            var slot = (methodIndex * ServerTelemetry.CodeLabels.Length) + code;
            var counter = _counters.Requests[slot] ??= _metrics.ListenerRequestCounter(_name, methodIndex, code);
            counter.Inc();
            record.RouteTelemetry?.RequestCompleted(record.Status, record.TotalSeconds);
            if ((record.Server?.Telemetry ?? record.Pool?.Unrouted) is ServerTelemetry telemetry)
            {
                telemetry.ExchangeCompleted(upstream, Math.Max(0, record.TotalSeconds - upstream), record.BytesIn, record.BytesOut, record.Server is not null);
            }
        }
        if (_accessLog is { } log)
        {
            log.TryWrite(new AccessLogEntry
            {
                Time = _time.GetUtcNow(),
                Client = record.Client,
                Method = record.Method,
                Host = record.Host,
                Path = record.Path,
                Query = record.Query,
                Protocol = record.Protocol,
                Status = record.Status,
                Server = record.Server?.Name,
                Pool = record.Pool?.Name ?? "-",
                Listener = _name,
                Route = record.Route,
                Attempts = record.Attempts,
                TotalMs = record.TotalSeconds * 1000,
                UpstreamMs = upstream * 1000,
                BytesIn = record.BytesIn,
                BytesOut = record.BytesOut,
                UserAgent = record.UserAgent,
                Referer = record.Referer,
                Error = record.Error,
                Policy = record.Policy,
                PolicyReason = record.PolicyReason,
                Cache = record.Cache,
            });
        }
    }

    /// <summary>The series of route <paramref name="route"/> of this listener; null when per-request series are off.</summary>
    public IRouteTelemetry? ForRoute(string route) => _enabled ? new RouteTelemetry(_metrics, _name, route) : null;

    /// <summary>GET, HEAD, POST, PUT, DELETE or other: Kestrel interns known methods, so these are reference compares.</summary>
    internal static int MethodIndex(string method) =>
        HttpMethods.IsGet(method) ? 0
        : HttpMethods.IsHead(method) ? 1
        : HttpMethods.IsPost(method) ? 2
        : HttpMethods.IsPut(method) ? 3
        : HttpMethods.IsDelete(method) ? 4
        : 5;
}
