using System.Net;
using System.Text.Json;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding;

/// <summary>
/// The forwarding headers through a real proxy: a client's <c>X-Forwarded-*</c>, <c>X-Real-IP</c> and <c>Forwarded</c>
/// are replaced unless its connection comes from one of the listener's <c>trusted-proxies</c>.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static readonly (string Name, string Value)[] Forged =
    [
        ("X-Forwarded-For", "203.0.113.7"),
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "forged.example"),
        ("X-Real-IP", "203.0.113.7"),
        ("Forwarded", "for=203.0.113.7;proto=https"),
    ];

    private static TandemConfig Config(TestBackend backend, IReadOnlyList<IPNetwork>? trusted, string bind = "127.0.0.1", RouteConfig? route = null,
        IReadOnlyList<IPNetwork>? topLevel = null) => new()
    {
        Listeners =
        [
            new ListenerConfig
            {
                Name = "web", Bind = new HostPort(bind, 0), Pool = "app", TrustedProxies = trusted,
                Routes = route is null ? null : [route],
            },
        ],
        Pools = [new PoolConfig { Name = "app", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [backend.ServerConfig()] }],
        TrustedProxies = topLevel,
        Version = "test",
    };

    /// <summary>The request headers the backend saw (its <c>/headers</c> answer) for a request to <c>shop.example</c>.</summary>
    private static async Task<Dictionary<string, string>> SeenAsync(ProxyHarness proxy, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.BaseAddress, "/headers"));
        request.Headers.Host = "shop.example";
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await proxy.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!;
    }

    public static TheoryData<string?> UntrustedLists => new() { null, "10.0.0.0/8" };

    [Theory]
    [MemberData(nameof(UntrustedLists))]
    public async Task Forward_UntrustedPeerForgesEveryHeader_AllReplacedWithWhatTandemSaw(string? trusted)
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, trusted is null ? null : [IPNetwork.Parse(trusted)]));

        var seen = await SeenAsync(proxy, Forged);

        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal("http", seen["X-Forwarded-Proto"]);
        Assert.Equal("shop.example", seen["X-Forwarded-Host"]);
        Assert.Equal("127.0.0.1", seen["X-Real-IP"]);
        Assert.Equal("for=127.0.0.1;host=\"shop.example\";proto=http", seen["Forwarded"]);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7", "127.0.0.1")]
    [InlineData("X-Forwarded-Proto", "https", "http")]
    [InlineData("X-Forwarded-Host", "forged.example", "shop.example")]
    [InlineData("X-Real-IP", "203.0.113.7", "127.0.0.1")]
    [InlineData("Forwarded", "for=203.0.113.7", "for=127.0.0.1;host=\"shop.example\";proto=http")]
    public async Task Forward_UntrustedPeerForgesOneHeader_Replaced(string name, string forged, string expected)
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, [IPNetwork.Parse("192.168.0.0/16")]));

        var seen = await SeenAsync(proxy, (name, forged));

        Assert.Equal(expected, seen[name]);
    }

    [Fact]
    public async Task Forward_UntrustedPeerSendsNoXRealIpOrForwarded_NoneAdded()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, trusted: null));

        var seen = await SeenAsync(proxy);

        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]);
        Assert.False(seen.ContainsKey("X-Real-IP"));
        Assert.False(seen.ContainsKey("Forwarded"));
    }

    [Fact]
    public async Task Forward_TrustedPeer_ForwardedForAppendedOthersKept()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, [IPNetwork.Parse("127.0.0.0/8")]));

        var seen = await SeenAsync(proxy, Forged);

        Assert.Equal("203.0.113.7, 127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal("https", seen["X-Forwarded-Proto"]);
        Assert.Equal("forged.example", seen["X-Forwarded-Host"]);
        Assert.Equal("203.0.113.7", seen["X-Real-IP"]);
        Assert.Equal("for=203.0.113.7;proto=https, for=127.0.0.1", seen["Forwarded"]);
    }

    [Fact]
    public async Task Forward_TrustedByTopLevelList_ForwardedForAppended()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, trusted: null, topLevel: [IPNetwork.Parse("127.0.0.1/32")]));

        var seen = await SeenAsync(proxy, ("X-Forwarded-For", "198.51.100.4, 203.0.113.7"));

        Assert.Equal("198.51.100.4, 203.0.113.7, 127.0.0.1", seen["X-Forwarded-For"]);
    }

    [Fact]
    public async Task Forward_TrustedPeerSendsNoForwardingHeaders_TandemSetsItsOwn()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, [IPNetwork.Parse("127.0.0.0/8")]));

        var seen = await SeenAsync(proxy);

        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal("http", seen["X-Forwarded-Proto"]);
        Assert.Equal("shop.example", seen["X-Forwarded-Host"]);
        Assert.False(seen.ContainsKey("X-Real-IP"));
    }

    [Fact]
    public async Task Forward_RouteRequestHeaders_RunAfterAndOverride()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        var route = new RouteConfig
        {
            Name = "site",
            Pool = "app",
            RequestHeaders = new HeaderActions
            {
                Set = [new("X-Real-IP", "{client.ip}"), new("X-Forwarded-Proto", "https")],
                Remove = ["Forwarded"],
            },
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(a, [IPNetwork.Parse("127.0.0.0/8")], route: route));

        var seen = await SeenAsync(proxy, ("X-Forwarded-For", "203.0.113.7"), ("X-Real-IP", "198.51.100.1"), ("Forwarded", "for=203.0.113.7"));

        Assert.Equal("203.0.113.7, 127.0.0.1", seen["X-Forwarded-For"]);
        // {client.ip} is the client the trusted proxy names, not the proxy.
        Assert.Equal("203.0.113.7", seen["X-Real-IP"]);
        Assert.Equal("https", seen["X-Forwarded-Proto"]);
        Assert.False(seen.ContainsKey("Forwarded"));
    }

    [Fact]
    public async Task Forward_UntrustedPeer_ClientIpPlaceholderIsThePeer()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        var route = new RouteConfig { Name = "site", Pool = "app", RequestHeaders = new HeaderActions { Set = [new("X-Client", "{client.ip}")] } };
        await using var proxy = await ProxyHarness.StartAsync(Config(a, [IPNetwork.Parse("10.0.0.0/8")], route: route));

        var seen = await SeenAsync(proxy, ("X-Forwarded-For", "203.0.113.7"));

        Assert.Equal("127.0.0.1", seen["X-Client"]);
    }

    [Fact]
    public async Task Forward_Ipv6LoopbackTrusted_ForwardedForAppendedWithIpv6Peer()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, [IPNetwork.Parse("::1/128")], bind: "::1"));

        var seen = await SeenAsync(proxy, ("X-Forwarded-For", "203.0.113.7"), ("Forwarded", "for=203.0.113.7"));

        Assert.Equal("203.0.113.7, ::1", seen["X-Forwarded-For"]);
        Assert.Equal("for=203.0.113.7, for=\"[::1]\"", seen["Forwarded"]);
    }

    [Fact]
    public async Task Forward_Ipv6LoopbackUntrusted_ReplacedWithIpv6Peer()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(Config(a, [IPNetwork.Parse("127.0.0.0/8")], bind: "::1"));

        var seen = await SeenAsync(proxy, Forged);

        Assert.Equal("::1", seen["X-Forwarded-For"]);
        Assert.Equal("::1", seen["X-Real-IP"]);
        Assert.Equal("for=\"[::1]\";host=\"shop.example\";proto=http", seen["Forwarded"]);
    }
}
