using System.Net;
using System.Net.Sockets;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Forwarding;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Balancing;

/// <summary><c>ip-hash</c> through the real proxy, with clients on distinct loopback addresses (127.0.0.x).</summary>
public sealed class HashingTests
{
    [Fact]
    public async Task IpHash_ClientsOnDistinctAddresses_EachStaysOnOneServerAndAllServersServe()
    {
        await using var backends = await Backends.StartAsync(3);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.IpHash, backends.Configs()));

        var owners = await OwnersAsync(proxy, clients: 30, requestsEach: 4);

        Assert.Equal(3, owners.Values.Distinct().Count());
    }

    [Fact]
    public async Task IpHash_ServerDrainedAndBack_OnlyItsClientsMoveAndTheyReturn()
    {
        await using var backends = await Backends.StartAsync(3);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.IpHash, backends.Configs()));
        var pool = proxy.Pools.Find("app")!;
        var before = await OwnersAsync(proxy, clients: 30, requestsEach: 1);
        var drained = pool.FindServer("s0")!;

        pool.SetAdminState(drained, AdminState.Draining);
        var during = await OwnersAsync(proxy, clients: 30, requestsEach: 1);
        pool.SetAdminState(drained, AdminState.Enabled);
        var after = await OwnersAsync(proxy, clients: 30, requestsEach: 1);

        foreach (var (client, owner) in before)
        {
            if (owner == "s0")
            {
                Assert.NotEqual("s0", during[client]);
            }
            else
            {
                Assert.Equal(owner, during[client]);
            }
        }
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task IpHash_HeaderKey_SameUserSameServerFromAnyAddress()
    {
        await using var backends = await Backends.StartAsync(3);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.IpHash, backends.Configs(),
            pool => pool with { HashKey = HashKey.TryParse("header:X-User"), ServerHeader = true }));

        var servers = new HashSet<string>();
        for (var address = 1; address <= 10; address++)
        {
            using var client = ClientFrom(address);
            using var request = new HttpRequestMessage(HttpMethod.Get, proxy.BaseAddress);
            request.Headers.Add("X-User", "alice");
            using var response = await client.SendAsync(request);
            servers.Add(await response.Content.ReadAsStringAsync());
            Assert.Equal(await response.Content.ReadAsStringAsync(), response.Headers.GetValues(RequestForwarder.ServerHeaderName).Single());
        }

        Assert.Single(servers);
    }

    [Fact]
    public async Task Forward_ServerHeaderOff_NoHeader()
    {
        await using var backends = await Backends.StartAsync(2);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, backends.Configs()));
        using var client = TestHttp.Client();

        using var response = await client.GetAsync(proxy.BaseAddress);

        Assert.False(response.Headers.Contains(RequestForwarder.ServerHeaderName));
    }

    /// <summary>Which server answered each client address 127.0.0.{1..clients}; fails if a client saw two servers.</summary>
    private static async Task<Dictionary<int, string>> OwnersAsync(ProxyHarness proxy, int clients, int requestsEach)
    {
        var owners = new Dictionary<int, string>();
        for (var address = 1; address <= clients; address++)
        {
            using var client = ClientFrom(address);
            for (var i = 0; i < requestsEach; i++)
            {
                var server = await client.GetStringAsync(proxy.BaseAddress);
                if (owners.TryGetValue(address, out var owner))
                {
                    Assert.Equal(owner, server);
                }
                owners[address] = server;
            }
        }
        return owners;
    }

    /// <summary>A client whose connections come from 127.0.0.<paramref name="lastOctet"/> (all of 127/8 is loopback on Linux).</summary>
    private static HttpClient ClientFrom(int lastOctet)
    {
        var local = new IPAddress([127, 0, 0, (byte)lastOctet]);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Backends s0..sN-1.</summary>
    private sealed class Backends : IAsyncDisposable
    {
        private readonly List<TestBackend> _all = [];

        public static async Task<Backends> StartAsync(int count)
        {
            var backends = new Backends();
            for (var i = 0; i < count; i++)
            {
                backends._all.Add(await TestBackend.StartAsync("s" + i));
            }
            return backends;
        }

        public ServerConfig[] Configs() => [.. _all.Select(b => b.ServerConfig())];

        public async ValueTask DisposeAsync()
        {
            foreach (var backend in _all)
            {
                await backend.DisposeAsync();
            }
        }
    }
}
