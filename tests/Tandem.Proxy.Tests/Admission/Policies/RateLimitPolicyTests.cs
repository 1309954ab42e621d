using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tandem.Proxy.Admission.Policies;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>rate-limit: a token bucket per key, 429 with Retry-After, keys apart, memory bounded.</summary>
public sealed class RateLimitPolicyTests
{
    [Fact]
    public async Task RateLimit_BurstSpent_429WithRetryAfter()
    {
        await using var backend = await TestBackend.StartAsync("a");
        // One token a minute: nothing refills while the test runs, however slow the machine.
        await using var proxy = await PolicyProxy.StartAsync(backend, "policy: api", """
            policies:
              - name: api
                rate-limit: { key: ip, rate: 1/m, burst: 3 }
            """);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("a", await proxy.Client.GetStringAsync("/"));
        }
        using var refused = await proxy.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal(3, backend.Requests);
        var entry = (await proxy.LogEntriesAsync(4))[3];
        Assert.Equal("rate", entry.GetProperty("reason").GetString());
        Assert.Equal("rate-limited", entry.GetProperty("error").GetString());
        var metrics = await proxy.ScrapeAsync();
        Assert.Equal(3, metrics["tandem_policy_decisions_total{policy=\"api\",result=\"allow\",reason=\"ok\"}"]);
        Assert.Equal(1, metrics["tandem_policy_decisions_total{policy=\"api\",result=\"deny\",reason=\"rate\"}"]);
    }

    [Fact]
    public async Task RateLimit_HeaderKey_TwoClientsDoNotShareABudget()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await PolicyProxy.StartAsync(backend, "policy: api", """
            policies:
              - name: api
                rate-limit: { key: "header:X-Api-Key", rate: 1/h, burst: 2 }
            """);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], await StatusesAsync(proxy, "one", 3));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], await StatusesAsync(proxy, "two", 3));
    }

    [Fact]
    public async Task RateLimit_AfterRefusingCheck_SpendsNothing()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await PolicyProxy.StartAsync(backend, "policy: api", """
            policies:
              - name: api
                allow: [10.0.0.0/8]
                rate-limit: { key: ip, rate: 1/h, burst: 1 }
            """);

        await proxy.Client.GetAsync("/");
        await proxy.Client.GetAsync("/");

        var table = proxy.Runtime.Policies!.Policies.Single().Checks.OfType<RateLimitCheck>().Single().Table;
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public async Task Sweep_MoreKeysThanSize_LeastRecentlySeenDropped()
    {
        var time = new FakeTimeProvider();
        var table = new RateLimitTable(rate: 10, per: TimeSpan.FromSeconds(1), burst: 10, size: 10, time);
        for (var i = 0; i < 10; i++)
        {
            table.TryAcquire("k" + i, out _);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        table.TryAcquire("k0", out _);
        time.Advance(TimeSpan.FromSeconds(1));

        // The eleventh key passes the size: a sweep drops the least recently seen down to nine tenths.
        table.TryAcquire("k10", out _);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(table.Count <= 9), TimeSpan.FromSeconds(10)));

        Assert.True(table.Contains("k0"));
        Assert.True(table.Contains("k10"));
        Assert.False(table.Contains("k1"));
        Assert.False(table.Contains("k2"));
        Assert.True(table.Contains("k3"));
    }

    private static async Task<HttpStatusCode[]> StatusesAsync(ProxyHarness proxy, string key, int count)
    {
        var statuses = new HttpStatusCode[count];
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("X-Api-Key", key);
            using var response = await proxy.Client.SendAsync(request);
            statuses[i] = response.StatusCode;
        }
        return statuses;
    }
}
