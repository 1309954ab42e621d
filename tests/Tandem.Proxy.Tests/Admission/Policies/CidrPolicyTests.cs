using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Proxy.Admission.Policies;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>allow / deny CIDR lists on the real client address, with trusted proxies and default deny.</summary>
public sealed class CidrPolicyTests
{
    [Fact]
    public async Task Allow_ClientInRange_Served()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await PolicyProxy.StartAsync(backend, "policy: lan", """
            policies:
              - name: lan
                allow: [127.0.0.0/8]
            """);

        Assert.Equal("a", await proxy.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Allow_ClientOutOfRange_403WithReasonInLogAndMetrics()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await PolicyProxy.StartAsync(backend, "policy: office", """
            policies:
              - name: office
                allow: [10.0.0.0/8, "2001:db8::/32"]
            """);

        using var response = await proxy.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("403 Forbidden", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, backend.Requests);
        var entry = (await proxy.LogEntriesAsync(1))[0];
        Assert.Equal("office", entry.GetProperty("policy").GetString());
        Assert.Equal("cidr", entry.GetProperty("reason").GetString());
        Assert.Equal("policy-denied", entry.GetProperty("error").GetString());
        var metrics = await proxy.ScrapeAsync();
        Assert.Equal(1, metrics["tandem_policy_decisions_total{policy=\"office\",result=\"deny\",reason=\"cidr\"}"]);
    }

    [Fact]
    public async Task Deny_ClientInDeniedRange_403EvenWhenAllowed()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await PolicyProxy.StartAsync(backend, "policy: p", """
            policies:
              - name: p
                allow: [127.0.0.0/8]
                deny: [127.0.0.1]
            """);

        using var response = await proxy.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("cidr-deny", (await proxy.LogEntriesAsync(1))[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Allow_Ipv6ClientInRange_ServedAndOutOfRangeRefused()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var allowed = await PolicyProxy.StartAsync(backend, "policy: v6", """
            policies:
              - name: v6
                allow: ["::1/128"]
            """, host: "::1");
        await using var refused = await PolicyProxy.StartAsync(backend, "policy: v6", """
            policies:
              - name: v6
                allow: ["fd00::/8"]
            """, host: "::1");

        Assert.Equal("a", await allowed.Client.GetStringAsync("/"));
        using var response = await refused.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ForwardedFor_FromUntrustedPeer_Ignored()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await PolicyProxy.StartAsync(backend, "policy: office", """
            policies:
              - name: office
                allow: [10.0.0.0/8]
            """);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Forwarded-For", "10.1.2.3");

        using var response = await proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ForwardedFor_FromTrustedPeer_RightmostUntrustedHopIsTheClient()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await PolicyProxy.StartAsync(backend, """
            policy: office
            trusted-proxies: [127.0.0.0/8, 192.168.0.0/16]
            """, """
            policies:
              - name: office
                allow: [10.0.0.0/8]
            """);

        // The leftmost hop is whatever the client wrote; the trusted chain says 10.1.2.3 connected to it.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, "203.0.113.9, 10.1.2.3, 192.168.1.1"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(proxy, "10.1.2.3, 203.0.113.9"));
        var entry = (await proxy.LogEntriesAsync(2))[1];
        Assert.Equal("203.0.113.9", entry.GetProperty("client").GetString());
    }

    [Fact]
    public async Task Resolve_Ipv4MappedIpv6Peer_TakenAsIpv4()
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse("::ffff:10.1.2.3");

        var client = ClientAddressResolver.Direct.Resolve(http);

        Assert.Equal(IPAddress.Parse("10.1.2.3"), client);
        Assert.True((await new CidrCheck([IPNetwork.Parse("10.0.0.0/8")], []).Decide(client)).IsAllowed);
    }

    [Fact]
    public async Task DefaultDeny_ListenerWithoutPolicy_403()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await PolicyProxy.StartAsync(backend, "", "default-policy: deny");

        using var response = await proxy.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, backend.Requests);
        var entry = (await proxy.LogEntriesAsync(1))[0];
        Assert.Equal("default", entry.GetProperty("policy").GetString());
        Assert.Equal("default-deny", entry.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task DefaultDeny_ListenerWithAllowingPolicy_Served()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await PolicyProxy.StartAsync(backend, "policy: lan", """
            default-policy: deny
            policies:
              - name: lan
                allow: [127.0.0.0/8]
            """);

        Assert.Equal("a", await proxy.Client.GetStringAsync("/"));
    }

    private static async Task<HttpStatusCode> StatusAsync(ProxyHarness proxy, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await proxy.Client.SendAsync(request);
        return response.StatusCode;
    }
}
