using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Selection;

/// <summary>Session affinity (<c>pools[].sticky</c>) through a real proxy in front of two real backends.</summary>
public sealed class StickyTests
{
    [Fact]
    public async Task Cookie_FirstAnswerSetsIt_ThenEveryRequestStaysAndNoCookieIsSetAgain()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(new StickyConfig { Mode = StickyMode.Cookie, Ttl = TimeSpan.FromHours(1) }, a, b);
        using var first = CookieClient(out _);
        using var second = CookieClient(out _);

        using var opening = await first.GetAsync(proxy.BaseAddress);
        var home = await opening.Content.ReadAsStringAsync();
        var setCookie = Assert.Single(opening.Headers.GetValues("Set-Cookie"));
        Assert.Equal($"tandem_server={StickyCookie.TokenOf("app", home)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600", setCookie);
        var otherHome = await second.GetStringAsync(proxy.BaseAddress);
        Assert.NotEqual(home, otherHome);

        for (var i = 0; i < 10; i++)
        {
            using var response = await first.GetAsync(proxy.BaseAddress);
            Assert.Equal(home, await response.Content.ReadAsStringAsync());
            Assert.False(response.Headers.Contains("Set-Cookie"));
            Assert.Equal(otherHome, await second.GetStringAsync(proxy.BaseAddress));
        }
        Assert.Equal(20, proxy.Pools.Find("app")!.Sticky.Hits);
    }

    [Fact]
    public async Task Cookie_ServerDisabled_ClientMovesAndGetsANewCookie()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(new StickyConfig(), a, b);
        using var client = CookieClient(out var cookies);
        var home = await client.GetStringAsync(proxy.BaseAddress);
        var pool = proxy.Pools.Find("app")!;

        pool.SetAdminState(pool.FindServer(home)!, AdminState.Disabled);
        using var moved = await client.GetAsync(proxy.BaseAddress);

        var other = home == "a" ? "b" : "a";
        Assert.Equal(other, await moved.Content.ReadAsStringAsync());
        Assert.Contains(StickyCookie.TokenOf("app", other), Assert.Single(moved.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        Assert.Equal(StickyCookie.TokenOf("app", other), cookies.GetCookies(proxy.BaseAddress)["tandem_server"]!.Value);
        Assert.Equal(1, pool.Sticky.Moves);
        pool.SetAdminState(pool.FindServer(home)!, AdminState.Enabled);
        Assert.Equal(other, await client.GetStringAsync(proxy.BaseAddress));
    }

    [Fact]
    public async Task Cookie_ServerDraining_KeepsItsStickyClientsAndTakesNoNewOnes()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(new StickyConfig(), a, b);
        using var stuck = CookieClient(out _);
        var home = await stuck.GetStringAsync(proxy.BaseAddress);
        var pool = proxy.Pools.Find("app")!;

        pool.SetAdminState(pool.FindServer(home)!, AdminState.Draining);

        var other = home == "a" ? "b" : "a";
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(home, await stuck.GetStringAsync(proxy.BaseAddress));
            using var newcomer = CookieClient(out _);
            Assert.Equal(other, await newcomer.GetStringAsync(proxy.BaseAddress));
        }
    }

    [Fact]
    public async Task Cookie_ForgedOrStaleToken_IsBalancedAndReplaced()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(new StickyConfig { Cookie = "route" }, a, b);
        using var client = TestHttp.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, proxy.BaseAddress);
        request.Headers.Add("Cookie", "route=0123456789abcdef; other=1");

        using var response = await client.SendAsync(request);

        response.EnsureSuccessStatusCode();
        var served = await response.Content.ReadAsStringAsync();
        Assert.StartsWith($"route={StickyCookie.TokenOf("app", served)};", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        Assert.Equal(1, proxy.Pools.Find("app")!.Sticky.Moves);
    }

    [Fact]
    public async Task Table_ClientAddress_RoundRobinPoolKeepsTheClientOnOneServer()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(new StickyConfig { Mode = StickyMode.Table }, a, b);
        using var client = TestHttp.Client();

        var answers = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await client.GetStringAsync(proxy.BaseAddress));
        }

        Assert.Single(answers);
        var table = proxy.Pools.Find("app")!.StickyTable!;
        Assert.Equal(1, table.Count);
        Assert.Equal(answers.Single(), table.Find(ClientHash.Of(IPAddress.Loopback), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public async Task Table_HeaderKey_EachSessionStaysOnItsOwnServer()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(new StickyConfig { Mode = StickyMode.Table, Key = HashKey.TryParse("header:X-Session") }, a, b);
        using var client = TestHttp.Client();

        var seen = new Dictionary<string, HashSet<string>>();
        for (var round = 0; round < 5; round++)
        {
            for (var session = 0; session < 4; session++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, proxy.BaseAddress);
                request.Headers.Add("X-Session", "s" + session);
                using var response = await client.SendAsync(request);
                var server = await response.Content.ReadAsStringAsync();
                if (!seen.TryGetValue("s" + session, out var servers))
                {
                    seen["s" + session] = servers = [];
                }
                servers.Add(server);
            }
        }

        Assert.All(seen.Values, servers => Assert.Single(servers));
        Assert.Equal(2, seen.Values.Select(s => s.Single()).Distinct().Count());
        Assert.Equal(4, proxy.Pools.Find("app")!.StickyTable!.Count);
    }

    [Fact]
    public async Task Table_CookieKeyIssuedByTheServer_IsLearnedFromTheResponse()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(new StickyConfig { Mode = StickyMode.Table, Key = HashKey.TryParse("cookie:sid") }, a, b);
        using var client = CookieClient(out var cookies);

        var home = await client.GetStringAsync(new Uri(proxy.BaseAddress, "login"));
        var sid = cookies.GetCookies(proxy.BaseAddress)["sid"]!.Value;
        Assert.StartsWith(home + "-", sid, StringComparison.Ordinal);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(home, await client.GetStringAsync(proxy.BaseAddress));
        }
        var table = proxy.Pools.Find("app")!.StickyTable!;
        Assert.Equal(home, table.Find(ClientHash.Of(sid), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public async Task Table_Reload_KeepsTheTableWhenTheKeyStays()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        var sticky = new StickyConfig { Mode = StickyMode.Table };
        await using var proxy = await StartAsync(sticky, a, b);
        using var client = TestHttp.Client();
        var home = await client.GetStringAsync(proxy.BaseAddress);
        var table = proxy.Pools.Find("app")!.StickyTable;

        await proxy.Runtime.ApplyAsync(Config(sticky with { Ttl = TimeSpan.FromMinutes(5) }, a, b), CancellationToken.None);

        Assert.Same(table, proxy.Pools.Find("app")!.StickyTable);
        Assert.Equal(TimeSpan.FromMinutes(5), table!.Ttl);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(home, await client.GetStringAsync(proxy.BaseAddress));
        }
    }

    private static Task<ProxyHarness> StartAsync(StickyConfig sticky, TestBackend a, TestBackend b) =>
        ProxyHarness.StartAsync(Config(sticky, a, b));

    private static TandemConfig Config(StickyConfig sticky, TestBackend a, TestBackend b) =>
        TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig(), b.ServerConfig()], pool => pool with { Sticky = sticky });

    private static HttpClient CookieClient(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = true, CookieContainer = cookies })
        {
            Timeout = TimeSpan.FromSeconds(15),
        };
    }
}
