using System.Net;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>The admin API's view of the policies (<c>/api/policies</c>): kinds, users, decisions and rate-limiter size.</summary>
public sealed class PolicyReportTests
{
    [Fact]
    public async Task Report_HttpRouteAndTcpListener_KindsUsersAndCountsPerReason()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var echo = new StreamEchoServer("e");
        var loaded = ConfigLoader.Parse($"""
            default-policy: deny
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: app
                policy: lan
                routes:
                  - name: api
                    match: {"{"} path: /api/ {"}"}
                    pool: app
                    policy: [lan, slow]
              - name: db
                bind: 127.0.0.1:18081
                protocol: tcp
                pool: echo
                policy: slow
              - name: closed
                bind: 127.0.0.1:18082
                protocol: tcp
                pool: echo
            pools:
              - name: app
                servers:
                  - address: {backend.Address}
              - name: echo
                servers:
                  - address: 127.0.0.1:{echo.Port}
            policies:
              - name: lan
                allow: [127.0.0.0/8]
                deny: [127.0.0.2]
              - name: slow
                rate-limit: {"{"} key: ip, rate: 1/h, burst: 2 {"}"}
            """, "test.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));
        var config = loaded.Config! with { Listeners = [.. loaded.Config!.Listeners.Select(l => l with { Bind = new HostPort("127.0.0.1", 0) })] };
        await using var proxy = await ProxyHarness.StartAsync(config);
        var web = proxy.Address(0);
        using var http = TestHttp.Client(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(web, "/"))).StatusCode);
        // The backend answers 404 below /api/: past the policies.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(web, "/api/x"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(web, "/api/y"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.GetAsync(new Uri(web, "/api/z"))).StatusCode);
        using (var refused = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[1].Bound))
        {
            Assert.True(await refused.ClosedWithinAsync(TimeSpan.FromSeconds(5)));
        }
        using (var closed = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[2].Bound))
        {
            Assert.True(await closed.ClosedWithinAsync(TimeSpan.FromSeconds(5)));
        }

        var report = proxy.Runtime.PolicyReport();

        Assert.Equal("deny", report.DefaultPolicy);
        Assert.Equal(["lan", "slow", "default"], report.Policies.Select(p => p.Name));
        var lan = report.Policies[0];
        Assert.Equal(["allow", "deny"], lan.Kinds);
        Assert.Equal(["web"], lan.Listeners);
        Assert.Equal(["web/api"], lan.Routes);
        Assert.Equal(4, lan.Allowed);
        Assert.Empty(lan.Denied);
        var slow = report.Policies[1];
        Assert.Equal(["rate-limit"], slow.Kinds);
        Assert.Equal(["db"], slow.Listeners);
        Assert.Equal(["web/api"], slow.Routes);
        Assert.Equal(2, slow.Allowed);
        Assert.Equal(2, slow.Denied["rate"]);
        Assert.Equal(("ip", "1/h", 2, 100_000, 1), (slow.RateLimit!.Key, slow.RateLimit.Rate, slow.RateLimit.Burst, slow.RateLimit.Size, slow.RateLimit.Keys));
        var deny = report.Policies[2];
        Assert.Equal(["closed"], deny.Listeners);
        Assert.Equal(1, deny.Denied["default-deny"]);
        Assert.Equal(1, report.RateLimitKeys);
    }
}
