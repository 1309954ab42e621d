using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Observability.Admin;
using Tandem.Observability.Metrics;
using Tandem.Testing;

namespace Tandem.Observability.Tests.Support;

/// <summary>
/// The admin endpoints hosted as <c>TandemNode</c> hosts them (a slim WebApplication on Kestrel), on 127.0.0.1 with an
/// ephemeral port, over real <see cref="PoolRegistry"/> pools wired to real <see cref="TandemMetrics"/>.
/// The pools' servers are addresses only: the admin API never connects to them.
/// </summary>
internal sealed class AdminHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset StartedAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly WebApplication _app;

    private AdminHarness(WebApplication app, PoolRegistry pools, TandemMetrics metrics, NodeStatus status, FakeTimeProvider time, Uri baseAddress)
    {
        _app = app;
        Pools = pools;
        Metrics = metrics;
        Status = status;
        Time = time;
        BaseAddress = baseAddress;
        Client = TestHttp.Client(TimeSpan.FromSeconds(10));
        Client.BaseAddress = baseAddress;
    }

    public PoolRegistry Pools { get; }

    public TandemMetrics Metrics { get; }

    public NodeStatus Status { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The admin listener, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client with <see cref="BaseAddress"/> set and a bounded timeout.</summary>
    public HttpClient Client { get; }

    public PoolState Pool(string name) => Pools.Find(name) ?? throw new InvalidOperationException($"no pool '{name}'");

    public ServerState Server(string pool, string server) =>
        Pool(pool).FindServer(server) ?? throw new InvalidOperationException($"no server '{server}' in '{pool}'");

    /// <summary>Starts the admin endpoints over <paramref name="config"/>'s pools, with the config recorded as applied.</summary>
    public static async Task<AdminHarness> StartAsync(TandemConfig? config = null, AdminAccess? access = null)
    {
        config ??= DefaultConfig();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var time = new FakeTimeProvider(StartedAt);
        var metrics = new TandemMetrics();
        var pools = new PoolRegistry(metrics, new BalancerServices(time, SharedRandomSource.Instance));
        metrics.ObservePools(pools);
        pools.Apply(config.Pools);
        var status = new NodeStatus(time);
        var listeners = new List<ListenerStatus>();
        foreach (var listener in config.Listeners)
        {
            listeners.Add(new ListenerStatus(listener.Name, listener.Pool, listener.Bind.ToString()));
        }
        status.Applied(config, listeners);
        if (access is not null)
        {
            app.UseTandemAdminAccess(access);
        }
        app.MapTandemAdmin(pools, metrics, status);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new AdminHarness(app, pools, metrics, status, time, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>
    /// Pool <c>app</c> (weighted round robin): <c>a</c> weight 5, <c>b</c> weight 3, an unnamed server (named by its
    /// address) and backup <c>spare</c>; pool <c>api</c> (round robin): <c>x</c>. Listener <c>web</c> serves <c>app</c>.
    /// </summary>
    public static TandemConfig DefaultConfig() => new()
    {
        Listeners = [new ListenerConfig { Name = "web", Bind = new HostPort("127.0.0.1", 8080), Pool = "app" }],
        Pools =
        [
            new PoolConfig
            {
                Name = "app",
                Algorithm = BalancingAlgorithms.WeightedRoundRobin,
                Servers =
                [
                    Server("a", 9001, weight: 5),
                    Server("b", 9002, weight: 3),
                    Server("127.0.0.1:9003", 9003),
                    Server("spare", 9004, backup: true),
                ],
            },
            new PoolConfig { Name = "api", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [Server("x", 9101)] },
        ],
        Source = "/etc/tandem/test.yaml",
        Version = "v-test",
    };

    public static ServerConfig Server(string name, int port, int? weight = null, bool backup = false) =>
        new() { Name = name, Address = new HostPort("127.0.0.1", port), Weight = weight, Backup = backup };

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    /// <summary>POSTs <paramref name="body"/> as-is with the given content type (null: no Content-Type header).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string body, string? contentType = "application/json")
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await Client.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    public async Task<string> GetMetricsTextAsync()
    {
        using var response = await Client.GetAsync(new Uri("metrics", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
