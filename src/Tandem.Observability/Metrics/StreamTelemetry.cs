using Prometheus;
using Tandem.Core.Requests;
using Tandem.Core.Telemetry;
using Tandem.Observability.AccessLog;
using Tandem.Observability.Live;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The series and access-log lines of one layer-4 listener: <c>tandem_stream_connections_total</c> (by protocol and
/// result), <c>tandem_stream_connections_active</c>, <c>tandem_stream_bytes_total</c> (direction in/out),
/// <c>tandem_udp_sessions</c>, and one access-log line per connection or UDP flow (method TCP, UDP or TLS; host the
/// SNI; status 200 for a connection served, 502 when no server could be reached, 503 when none was usable or no
/// route matched, 400 when refused). Children are resolved once per listener; the dashboard's rates read them and
/// <see cref="StreamCounters"/> once per tick.
/// Concurrency: any connection thread.
/// </summary>
internal sealed class StreamTelemetry : IStreamTelemetry
{
    private readonly string _name;
    private readonly TandemMetrics _metrics;
    private readonly AccessLogWriter? _accessLog;
    private readonly Gauge.Child _active;
    private readonly Counter.Child _bytesIn;
    private readonly Counter.Child _bytesOut;
    private readonly Counter _connections;
    private readonly StreamCounters _counts;

    public StreamTelemetry(string name, TandemMetrics metrics, AccessLogWriter? accessLog)
    {
        _name = name;
        _metrics = metrics;
        _accessLog = accessLog;
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        _connections = factory.CreateCounter("tandem_stream_connections_total",
            "Layer-4 connections (tcp, tls-passthrough) or UDP flows ended, by listener, protocol and result (ok, or the error's name).",
            ["listener", "protocol", "result"]);
        _active = factory.CreateGauge("tandem_stream_connections_active", "Layer-4 connections or UDP flows open, by listener.", ["listener"]).WithLabels(name);
        var bytes = factory.CreateCounter("tandem_stream_bytes_total", "Bytes moved by layer-4 listeners, by listener and direction (in: from clients).",
            ["listener", "direction"]);
        _bytesIn = bytes.WithLabels(name, "in");
        _bytesOut = bytes.WithLabels(name, "out");
        var active = _active;
        var bytesIn = _bytesIn;
        var bytesOut = _bytesOut;
        _counts = metrics.StreamCounters(name, counts => new LiveTotals(
            Interlocked.Read(ref counts.Opened), Interlocked.Read(ref counts.Failed),
            BytesIn: bytesIn.Value, BytesOut: bytesOut.Value, Active: Math.Max(0, (long)active.Value)));
    }

    public void Opened()
    {
        Interlocked.Increment(ref _counts.Opened);
        _active.Inc();
    }

    public void Ended(in StreamRecord record)
    {
        _active.Dec();
        if (record.Error != RequestError.None)
        {
            Interlocked.Increment(ref _counts.Failed);
        }
        _bytesIn.Inc(record.BytesIn);
        _bytesOut.Inc(record.BytesOut);
        _connections.WithLabels(_name, record.Protocol, record.Error == RequestError.None ? "ok" : RequestErrors.Name(record.Error)).Inc();
        if (_accessLog is { } log)
        {
            log.TryWrite(new AccessLogEntry
            {
                Time = _metrics.Time.GetUtcNow(),
                Client = record.Client?.Address,
                Method = record.Protocol switch { "udp" => "UDP", "tls-passthrough" => "TLS", _ => "TCP" },
                Host = record.ServerName,
                Path = "-",
                Query = "",
                Protocol = record.Protocol,
                Status = Status(record),
                Server = record.Server?.Name,
                Pool = record.Pool?.Name ?? "-",
                Listener = _name,
                Attempts = record.Server is null ? 0 : 1,
                TotalMs = record.Seconds * 1000,
                BytesIn = record.BytesIn,
                BytesOut = record.BytesOut,
                Error = record.Error,
                Policy = record.Policy,
                PolicyReason = record.PolicyReason,
            });
        }
    }

    public void ObserveSessions(Func<int> count)
    {
        var gauge = Prometheus.Metrics.WithCustomRegistry(_metrics.Registry)
            .CreateGauge("tandem_udp_sessions", "Client flows a udp listener's session table holds.", ["listener"]).WithLabels(_name);
        _metrics.Registry.AddBeforeCollectCallback(() => gauge.Set(count()));
    }

    private static int Status(in StreamRecord record) => record.Error switch
    {
        RequestError.BadRequest => 400,
        RequestError.NoServer => 503,
        RequestError.ConnectFailed => 502,
        RequestError.PolicyDenied => 403,
        RequestError.RateLimited => 429,
        _ => 200,
    };
}
