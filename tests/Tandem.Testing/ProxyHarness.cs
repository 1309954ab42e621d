using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Observability.Metrics;
using Tandem.Proxy;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Testing;

/// <summary>A real <see cref="ProxyRuntime"/> on 127.0.0.1 ephemeral ports, with its log lines captured.</summary>
public sealed class ProxyHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ProxyHarness(ServiceProvider services, ProxyRuntime runtime, TandemMetrics metrics, CapturingLoggerProvider logs)
    {
        _services = services;
        Runtime = runtime;
        Metrics = metrics;
        Logs = logs;
    }

    public ProxyRuntime Runtime { get; }

    public TandemMetrics Metrics { get; }

    public CapturingLoggerProvider Logs { get; }

    public PoolRegistry Pools => Runtime.Pools;

    /// <summary>The first listener's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress => Address(0);

    public Uri Address(int listener) => new("http://" + Runtime.Listeners[listener].Bound + "/");

    public static async Task<ProxyHarness> StartAsync(TandemConfig config)
    {
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug))
            .AddHttpForwarder()
            .BuildServiceProvider();
        var metrics = new TandemMetrics();
        var pools = new PoolRegistry(metrics);
        var runtime = new ProxyRuntime(pools, metrics, services.GetRequiredService<IHttpForwarder>(), TimeProvider.System,
            services.GetRequiredService<ILoggerFactory>(), services);
        await runtime.ApplyAsync(config, CancellationToken.None);
        return new ProxyHarness(services, runtime, metrics, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await _services.DisposeAsync();
    }
}

/// <summary>Builds configs for tests: one listener on an ephemeral port in front of one pool.</summary>
public static class TestConfig
{
    public static TandemConfig OnePool(string algorithm, params ServerConfig[] servers) => OnePool(algorithm, servers, pool => pool);

    public static TandemConfig OnePool(string algorithm, ServerConfig[] servers, Func<PoolConfig, PoolConfig> customize,
        Func<ListenerConfig, ListenerConfig>? customizeListener = null, TimeSpan? drainTimeout = null)
    {
        var listener = new ListenerConfig { Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app" };
        return new TandemConfig
        {
            Listeners = [customizeListener?.Invoke(listener) ?? listener],
            Pools = [customize(new PoolConfig { Name = "app", Algorithm = algorithm, Servers = servers })],
            DrainTimeout = drainTimeout,
            Version = "test",
        };
    }

    public static ServerConfig Server(TestBackend backend, int? weight = null) => backend.ServerConfig(weight);

    /// <summary>A server nobody listens on (a port just freed).</summary>
    public static ServerConfig DeadServer(string name = "dead") => new() { Name = name, Address = new HostPort("127.0.0.1", TestHttp.FreePort()) };
}
