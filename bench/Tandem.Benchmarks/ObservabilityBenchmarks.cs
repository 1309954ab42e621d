using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Observability.AccessLog;
using Tandem.Observability.Metrics;

namespace Tandem.Benchmarks;

/// <summary>
/// What a request costs the listener's telemetry at its end: the per-request series (listener counter, upstream and
/// overhead histograms, bytes) and the access log hand-over, against metrics off. The access log writes to a sink that
/// discards; its writer thread formats on another core, as in production.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ObservabilityBenchmarks
{
    private ListenerTelemetry _off = null!;
    private ListenerTelemetry _metrics = null!;
    private ListenerTelemetry _metricsAndLog = null!;
    private AccessLogWriter _log = null!;
    private RequestRecord _record;
    private readonly AccessLogFormatter _json = new(AccessLogFormat.Json);
    private readonly AccessLogFormatter _combined = new(AccessLogFormat.Combined);
    private readonly AccessLogEntry _entry = new()
    {
        Time = DateTimeOffset.UtcNow,
        Client = IPAddress.Loopback,
        Method = "GET",
        Host = "shop.example",
        Path = "/api/items/42",
        Query = "",
        Protocol = "HTTP/1.1",
        Status = 200,
        Server = "a",
        Pool = "app",
        Listener = "web",
        Attempts = 1,
        TotalMs = 1.2,
        UpstreamMs = 1.1,
        BytesOut = 13,
        UserAgent = "wrk/4.2",
    };

    [GlobalSetup]
    public void Setup()
    {
        _off = Listener(new TandemMetrics(TimeProvider.System, new MetricsConfig { Enabled = false }), null);
        _metrics = Listener(new TandemMetrics(), null);
        var metrics = new TandemMetrics();
        _log = new AccessLogWriter(new DiscardSink(), AccessLogFormat.Json, 16384, metrics, NullLogger.Instance);
        _metricsAndLog = Listener(metrics, _log);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _json.Dispose();
        _combined.Dispose();
    }

    private ListenerTelemetry Listener(TandemMetrics metrics, AccessLogWriter? log)
    {
        var registry = new PoolRegistry(metrics);
        var pool = registry.Apply([new PoolConfig
        {
            Name = "app",
            Algorithm = BalancingAlgorithms.RoundRobin,
            Servers = [new ServerConfig { Name = "a", Address = new HostPort("127.0.0.1", 9001) }],
        }])["app"];
        _record = new RequestRecord
        {
            Pool = pool,
            Server = pool.Servers[0],
            Attempts = 1,
            Error = RequestError.None,
            TotalSeconds = 0.0012,
            UpstreamSeconds = 0.0011,
            Client = IPAddress.Loopback,
            Method = "GET",
            Host = "shop.example",
            Path = "/api/items/42",
            Query = "",
            Protocol = "HTTP/1.1",
            Status = 200,
            BytesOut = 13,
            UserAgent = "wrk/4.2",
        };
        return metrics.ForListener("web", log);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 1000)]
    public void Off() => Run(_off);

    [Benchmark(OperationsPerInvoke = 1000)]
    public void Metrics() => Run(_metrics);

    [Benchmark(OperationsPerInvoke = 1000)]
    public void MetricsAndAccessLog() => Run(_metricsAndLog);

    /// <summary>The writer thread's work per line (off the request path).</summary>
    [Benchmark(OperationsPerInvoke = 1000)]
    public void FormatJsonLine() => Format(_json);

    [Benchmark(OperationsPerInvoke = 1000)]
    public void FormatCombinedLine() => Format(_combined);

    private void Format(AccessLogFormatter formatter)
    {
        formatter.Clear();
        for (var i = 0; i < 1000; i++)
        {
            formatter.Append(in _entry);
        }
    }

    private void Run(ListenerTelemetry telemetry)
    {
        for (var i = 0; i < 1000; i++)
        {
            telemetry.RequestStarted();
            telemetry.RequestEnded();
            if (telemetry.RecordsRequests)
            {
                telemetry.Record(in _record);
            }
        }
    }

    private sealed class DiscardSink : IAccessLogSink
    {
        public string Target => "discard";

        public void Write(ReadOnlySpan<byte> lines)
        {
        }

        public void Flush()
        {
        }

        public void Reopen()
        {
        }

        public void Dispose()
        {
        }
    }
}
