using System.Net;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Dns;

/// <summary>
/// A server written as a DNS name, answered by a dnsmasq the test controls: two backends on one port at 127.0.0.2
/// and 127.0.0.3, and the name moved between them.
/// </summary>
public sealed class NameFollowingTests
{
    private const int Moved = 1750;
    private const int Failing = 1751;
    private const int Recovered = 1752;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    [RequiresFact(DnsmasqServer.Tool)]
    public async Task Forward_NameMovesToAnotherAddress_FollowedAfterReresolve()
    {
        Requirements.Check([DnsmasqServer.Tool]);
        await using var setup = await Setup.StartAsync();

        Assert.Equal("a", await setup.GetAsync());
        await setup.Dns.SetAsync(("app.test", "127.0.0.3"));

        Assert.True(await setup.ServedByAsync("b"), "requests never reached the name's new address");
        Assert.Equal([$"app.test now resolves to 127.0.0.3 (was 127.0.0.2)"], setup.Proxy.Logs.Messages(Moved));
        Assert.Equal("b", await setup.GetAsync());
    }

    [RequiresFact(DnsmasqServer.Tool)]
    public async Task Resolve_NameStopsResolving_KeepsLastAddressAndLogsOnce()
    {
        Requirements.Check([DnsmasqServer.Tool]);
        await using var setup = await Setup.StartAsync();
        Assert.Equal("a", await setup.GetAsync());

        await setup.Dns.SetAsync();
        Assert.True(await Eventually(() => setup.Proxy.Logs.Messages(Failing).Count > 0), "the failing lookup was never logged");
        // Several more rounds fail while requests keep going to the last good address.
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(Interval);
            Assert.Equal("a", await setup.GetAsync());
        }

        var line = Assert.Single(setup.Proxy.Logs.Messages(Failing));
        Assert.StartsWith("app.test does not resolve (", line, StringComparison.Ordinal);
        Assert.EndsWith("); keeping 127.0.0.2 until it does", line, StringComparison.Ordinal);

        await setup.Dns.SetAsync(("app.test", "127.0.0.3"));
        Assert.True(await setup.ServedByAsync("b"), "requests never reached the address the name came back with");
        Assert.Equal(["app.test resolves again, to 127.0.0.3"], setup.Proxy.Logs.Messages(Recovered));
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        return condition();
    }

    private sealed class Setup : IAsyncDisposable
    {
        private readonly TestBackend[] _backends;

        private Setup(DnsmasqServer dns, ProxyHarness proxy, TestBackend[] backends)
        {
            Dns = dns;
            Proxy = proxy;
            _backends = backends;
        }

        public DnsmasqServer Dns { get; }

        public ProxyHarness Proxy { get; }

        public static async Task<Setup> StartAsync()
        {
            var port = TestHttp.FreePort();
            var a = await TestBackend.StartAsync("a", port, ip: IPAddress.Parse("127.0.0.2"));
            var b = await TestBackend.StartAsync("b", port, ip: IPAddress.Parse("127.0.0.3"));
            var dns = await DnsmasqServer.StartAsync(("app.test", "127.0.0.2"));
            var config = TestConfig.OnePool([new ServerConfig { Name = "app", Address = new HostPort("app.test", port) }]) with
            {
                Resolver = new HostPort("127.0.0.1", dns.Port),
                ResolveInterval = Interval,
            };
            var proxy = await ProxyHarness.StartAsync(config);
            return new Setup(dns, proxy, [a, b]);
        }

        public Task<string> GetAsync() => Proxy.Client.GetStringAsync(Proxy.BaseAddress);

        /// <summary>Whether requests reach <paramref name="backend"/> within about ten seconds.</summary>
        public async Task<bool> ServedByAsync(string backend)
        {
            for (var i = 0; i < 100; i++)
            {
                if (await GetAsync() == backend)
                {
                    return true;
                }
                await Task.Delay(100);
            }
            return false;
        }

        public async ValueTask DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Dns.DisposeAsync();
            foreach (var backend in _backends)
            {
                await backend.DisposeAsync();
            }
        }
    }
}
