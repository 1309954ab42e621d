using Microsoft.AspNetCore.Http;
using Prometheus;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Observability.AccessLog;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The connections and requests of one listener: connection counts, requests in flight, the per-request series and
/// the access log line. Everything it records per request was resolved when the listener (or server) started: no
/// label lookup, no string building, no lock.
/// Concurrency: any connection or request thread.
/// </summary>
public sealed class ListenerTelemetry
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

    /// <summary>A request arrived; pair with <see cref="RequestCompleted"/>.</summary>
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

    /// <summary>The request's response has ended (or failed): count it and hand its line to the access log.</summary>
    public void RequestCompleted(HttpContext context, in RequestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(context);
        Interlocked.Decrement(ref _counters.InFlight);
        if (!_enabled && _accessLog is null)
        {
            return;
        }
        var request = context.Request;
        var response = context.Response;
        var status = response.StatusCode;
        var method = request.Method;
        var bytesIn = request.ContentLength ?? 0;
        var bytesOut = ResponseBodyCounter.Of(context) ?? (HttpMethods.IsHead(method) ? 0 : response.ContentLength ?? 0);
        var upstream = outcome.Server is null ? 0 : outcome.UpstreamSeconds;
        if (_enabled)
        {
            var code = Math.Clamp(status / 100, 1, 5) - 1;
            var methodIndex = _byMethod ? MethodIndex(method) : 0;
            var slot = (methodIndex * ServerTelemetry.CodeLabels.Length) + code;
            var counter = _counters.Requests[slot] ??= _metrics.ListenerRequestCounter(_name, methodIndex, code);
            counter.Inc();
            if ((outcome.Server?.Telemetry ?? outcome.Pool.Unrouted) is ServerTelemetry telemetry)
            {
                telemetry.ExchangeCompleted(upstream, Math.Max(0, outcome.TotalSeconds - upstream), bytesIn, bytesOut, outcome.Server is not null);
            }
        }
        if (_accessLog is { } log)
        {
            log.TryWrite(new AccessLogEntry
            {
                Time = _time.GetUtcNow(),
                Client = context.Connection.RemoteIpAddress,
                Method = method,
                Host = request.Headers.Host,
                Path = request.Path.Value ?? "",
                Query = request.QueryString.Value ?? "",
                Protocol = request.Protocol,
                Status = status,
                Server = outcome.Server?.Name,
                Pool = outcome.Pool.Name,
                Listener = _name,
                Attempts = outcome.Attempts,
                TotalMs = outcome.TotalSeconds * 1000,
                UpstreamMs = upstream * 1000,
                BytesIn = bytesIn,
                BytesOut = bytesOut,
                UserAgent = request.Headers.UserAgent,
                Referer = request.Headers.Referer,
                Error = outcome.Error,
            });
        }
    }

    /// <summary>GET, HEAD, POST, PUT, DELETE or other: Kestrel interns known methods, so these are reference compares.</summary>
    internal static int MethodIndex(string method) =>
        HttpMethods.IsGet(method) ? 0
        : HttpMethods.IsHead(method) ? 1
        : HttpMethods.IsPost(method) ? 2
        : HttpMethods.IsPut(method) ? 3
        : HttpMethods.IsDelete(method) ? 4
        : 5;
}

/// <summary>How a request ended, as the proxy saw it.</summary>
/// <param name="Pool">The pool that served it.</param>
/// <param name="Server">The server of the last attempt; null when none was tried.</param>
/// <param name="Attempts">Servers tried (1 + retries; 0 when none).</param>
/// <param name="Error">Why it failed; <see cref="RequestError.None"/> when it did not.</param>
/// <param name="TotalSeconds">From the request's arrival to the end of its response.</param>
/// <param name="UpstreamSeconds">The last attempt's exchange with the server (sending the request to the end of the response).</param>
public readonly record struct RequestOutcome(PoolState Pool, ServerState? Server, int Attempts, RequestError Error, double TotalSeconds, double UpstreamSeconds);
