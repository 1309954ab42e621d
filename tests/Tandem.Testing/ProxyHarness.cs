using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Observability.AccessLog;
using Tandem.Observability.Metrics;
using Tandem.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Testing;

/// <summary>
/// A real <see cref="ProxyRuntime"/> on 127.0.0.1 ephemeral ports with real <see cref="TandemMetrics"/>, its log lines
/// captured and, optionally, an access log to a file in a temporary directory: requests go through real sockets to
/// real Kestrel backends.
/// </summary>
public sealed class ProxyHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ProxyHarness(ServiceProvider services, ProxyRuntime runtime, TandemMetrics metrics, CapturingLoggerProvider logs,
        AccessLogWriter? accessLog, string directory)
    {
        _services = services;
        Runtime = runtime;
        Metrics = metrics;
        Logs = logs;
        AccessLog = accessLog;
        Directory = directory;
        Client = TestHttp.Client(TimeSpan.FromSeconds(10));
        Client.BaseAddress = BaseAddress;
    }

    public ProxyRuntime Runtime { get; }

    public TandemMetrics Metrics { get; }

    public CapturingLoggerProvider Logs { get; }

    public AccessLogWriter? AccessLog { get; }

    /// <summary>A temporary directory removed on dispose; the access log file is <see cref="LogPath"/>.</summary>
    public string Directory { get; }

    public string LogPath => Path.Combine(Directory, "access.log");

    /// <summary>A client whose base address is the first listener.</summary>
    public HttpClient Client { get; }

    public PoolRegistry Pools => Runtime.Pools;

    /// <summary>The first listener's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress => Address(0);

    public Uri Address(int listener) => new("http://" + Runtime.Listeners[listener].Bound + "/");

    /// <summary>
    /// The harness's default for <c>ranLateSince</c>: never late, so a test's timeouts always count against its server
    /// however loaded the machine running the suite is (ProcessLagTests cover the real probe).
    /// </summary>
    private static bool NeverLate(long since) => false;

    /// <param name="config">The proxy's config; its listener and pool names are what the series carry.</param>
    /// <param name="accessLog">The access log section; its path is replaced by <see cref="LogPath"/> unless it is "-".</param>
    /// <param name="metrics">The metrics section.</param>
    /// <param name="sharedCacheTier">Builds the cache's shared tier when the config's <c>cache.redis</c> is set (a fake in tests).</param>
    /// <param name="ranLateSince">Whether the process ran late since a timestamp (timeouts then do not count against servers); never by default.</param>
    public static async Task<ProxyHarness> StartAsync(TandemConfig config, AccessLogConfig? accessLog = null, MetricsConfig? metrics = null,
        Func<CacheConfig, Tandem.Proxy.Caching.ISharedCacheTier?>? sharedCacheTier = null, Func<long, bool>? ranLateSince = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("tandem-proxy-").FullName;
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug))
            .AddHttpForwarder()
            .BuildServiceProvider();
        var tandemMetrics = new TandemMetrics(TimeProvider.System, metrics);
        var logConfig = accessLog is null || accessLog.Path == "-" ? accessLog : accessLog with { Path = Path.Combine(directory, "access.log") };
        var log = AccessLogWriter.Create(logConfig, tandemMetrics, NullLogger.Instance);
        var pools = new PoolRegistry(tandemMetrics);
        tandemMetrics.ObservePools(pools);
        var runtime = new ProxyRuntime(pools, new DataPlaneTelemetry(tandemMetrics, log), services.GetRequiredService<IHttpForwarder>(), TimeProvider.System,
            services.GetRequiredService<ILoggerFactory>(), services, sharedCacheTier: sharedCacheTier,
            ranLateSince: ranLateSince ?? NeverLate);
        await runtime.ApplyAsync(config, CancellationToken.None);
        return new ProxyHarness(services, runtime, tandemMetrics, logs, log, directory);
    }

    /// <summary>The Prometheus text of every series, parsed into "name{labels}" → value.</summary>
    public async Task<Dictionary<string, double>> ScrapeAsync() => PrometheusText.Parse(await ScrapeTextAsync());

    public async Task<string> ScrapeTextAsync()
    {
        using var stream = new MemoryStream();
        await Metrics.Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The access log's lines once there are at least <paramref name="count"/> (waits up to 10 s).</summary>
    public async Task<string[]> LogLinesAsync(int count)
    {
        string[] lines = [];
        await TestHttp.WaitUntilAsync(() =>
        {
            lines = File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];
            return Task.FromResult(lines.Length >= count);
        }, TimeSpan.FromSeconds(10));
        return lines;
    }

    /// <summary>The access log's JSON lines, parsed.</summary>
    public async Task<JsonElement[]> LogEntriesAsync(int count)
    {
        var lines = await LogLinesAsync(count);
        var entries = new JsonElement[lines.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            entries[i] = JsonDocument.Parse(lines[i]).RootElement.Clone();
        }
        return entries;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Runtime.DisposeAsync();
        if (AccessLog is not null)
        {
            await AccessLog.DisposeAsync();
        }
        await _services.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
