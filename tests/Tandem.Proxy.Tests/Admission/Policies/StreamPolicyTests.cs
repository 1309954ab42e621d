using System.Globalization;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>Policies on tcp, tls-passthrough and udp listeners: checked when a connection or flow opens, on the real client address.</summary>
public sealed class StreamPolicyTests
{
    private static readonly TimeSpan Closed = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Tcp_ClientOutOfAllowedRange_ClosedAtOnceCountedAndLogged()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await StartAsync("tcp", a.Port, "policy: office", """
            policies:
              - name: office
                allow: [10.0.0.0/8]
            """);
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);

        Assert.True(await client.ClosedWithinAsync(Closed));
        Assert.Equal(0, a.Accepted);
        var metrics = await proxy.ScrapeAsync();
        Assert.Equal(1, metrics["tandem_policy_decisions_total{policy=\"office\",result=\"deny\",reason=\"cidr\"}"]);
        var entry = (await proxy.LogEntriesAsync(1))[0];
        Assert.Equal("office", entry.GetProperty("policy").GetString());
        Assert.Equal("cidr", entry.GetProperty("reason").GetString());
        Assert.Equal(403, entry.GetProperty("status").GetInt32());
        Assert.Contains(proxy.Logs.Lines, l => l.EventId.Id == 1866 && l.Message.Contains("listener l4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tcp_ClientInAllowedRange_Served()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await StartAsync("tcp", a.Port, "policy: lan", """
            policies:
              - name: lan
                allow: [127.0.0.0/8]
                deny: [10.0.0.0/8]
            """);
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);

        Assert.Equal("a", await client.ReadLineAsync());
        await client.SendAsync("ping\n");
        Assert.Equal("ping", await client.ReadLineAsync());
        Assert.Equal(1, (await proxy.ScrapeAsync())["tandem_policy_decisions_total{policy=\"lan\",result=\"allow\",reason=\"ok\"}"]);
    }

    [Fact]
    public async Task Tcp_NewConnectionsPastTheBurst_ClosedAsRateLimited()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await StartAsync("tcp", a.Port, "policy: slow", """
            policies:
              - name: slow
                rate-limit: { key: ip, rate: 1/h, burst: 3 }
            """);
        var bound = proxy.Runtime.Listeners[0].Bound;

        for (var i = 0; i < 3; i++)
        {
            using var served = await StreamClient.ConnectAsync(bound);
            Assert.Equal("a", await served.ReadLineAsync());
        }
        using var refused = await StreamClient.ConnectAsync(bound);

        Assert.True(await refused.ClosedWithinAsync(Closed));
        Assert.Equal(3, a.Accepted);
        var metrics = await proxy.ScrapeAsync();
        Assert.Equal(1, metrics["tandem_policy_decisions_total{policy=\"slow\",result=\"deny\",reason=\"rate\"}"]);
        Assert.Equal(3, metrics["tandem_policy_decisions_total{policy=\"slow\",result=\"allow\",reason=\"ok\"}"]);
    }

    [Fact]
    public async Task TlsPassthrough_DeniedClient_ClosedBeforeItsClientHelloIsAwaited()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await StartAsync("tls-passthrough", a.Port, "policy: office", """
            policies:
              - name: office
                allow: [10.0.0.0/8]
            """);
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);

        // Nothing sent: the preread would wait 10 s for a ClientHello; the policy closes it first.
        Assert.True(await client.ClosedWithinAsync(Closed));
        Assert.Equal(0, a.Accepted);
    }

    [Fact]
    public async Task AcceptProxy_TheAddressInTheHeaderIsChecked()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await StartAsync("tcp", a.Port, "policy: nodoc\naccept-proxy: [127.0.0.0/8]", """
            policies:
              - name: nodoc
                deny: [203.0.113.0/24]
            """);
        var bound = proxy.Runtime.Listeners[0].Bound;
        using var denied = await StreamClient.ConnectAsync(bound);
        using var allowed = await StreamClient.ConnectAsync(bound);

        await denied.SendAsync("PROXY TCP4 203.0.113.9 10.0.0.1 40000 443\r\n");
        await allowed.SendAsync("PROXY TCP4 198.51.100.7 10.0.0.1 40000 443\r\n");

        Assert.True(await denied.ClosedWithinAsync(Closed));
        Assert.Equal("a", await allowed.ReadLineAsync());
        Assert.Equal(1, a.Accepted);
        var entry = (await proxy.LogEntriesAsync(1))[0];
        Assert.Equal("203.0.113.9", entry.GetProperty("client").GetString());
        Assert.Equal("cidr-deny", entry.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Udp_DeniedClient_DatagramsDroppedAndCounted()
    {
        await using var a = new UdpEchoServer("a");
        await using var proxy = await StartAsync("udp", a.Port, "policy: office", """
            policies:
              - name: office
                allow: [10.0.0.0/8]
            """);
        using var client = UdpEchoServer.Client();

        Assert.Null(await UdpEchoServer.AskAsync(client, proxy.Runtime.Listeners[0].Bound, "q1", TimeSpan.FromMilliseconds(500)));

        Assert.Equal(0, a.Received);
        Assert.Equal(0, proxy.Runtime.Pools.Find("app")!.Servers[0].Requests);
        Assert.Equal(1, (await proxy.ScrapeAsync())["tandem_policy_decisions_total{policy=\"office\",result=\"deny\",reason=\"cidr\"}"]);
    }

    [Fact]
    public async Task Udp_NewFlowsPastTheBurst_Dropped_OpenFlowKeepsGoing()
    {
        await using var a = new UdpEchoServer("a");
        await using var proxy = await StartAsync("udp", a.Port, "policy: slow", """
            policies:
              - name: slow
                rate-limit: { key: ip, rate: 1/h, burst: 1 }
            """);
        var bound = proxy.Runtime.Listeners[0].Bound;
        using var first = UdpEchoServer.Client();
        using var second = UdpEchoServer.Client();

        Assert.Equal("a:q1", await UdpEchoServer.AskAsync(first, bound, "q1"));
        Assert.Null(await UdpEchoServer.AskAsync(second, bound, "q2", TimeSpan.FromMilliseconds(500)));
        // The flow let in spends nothing more: the limit is on new flows.
        Assert.Equal("a:q3", await UdpEchoServer.AskAsync(first, bound, "q3"));
    }

    [Fact]
    public async Task DefaultDeny_TcpListenerWithoutPolicy_Closed()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await StartAsync("tcp", a.Port, "", "default-policy: deny");
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);

        Assert.True(await client.ClosedWithinAsync(Closed));
        Assert.Equal(0, a.Accepted);
        Assert.Equal(1, (await proxy.ScrapeAsync())["tandem_policy_decisions_total{policy=\"default\",result=\"deny\",reason=\"default-deny\"}"]);
    }

    [Fact]
    public async Task Explain_TcpListener_WouldAConnectionFromTheAddressBeAdmitted()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await StartAsync("tcp", a.Port, "policy: [lan, slow]", """
            policies:
              - name: lan
                allow: [10.0.0.0/8]
                deny: [10.9.0.0/16]
              - name: slow
                rate-limit: { key: ip, rate: 1/h, burst: 1 }
            """);

        var inside = await proxy.Runtime.ExplainConnectionAsync("l4", System.Net.IPAddress.Parse("10.1.2.3"));
        var denied = await proxy.Runtime.ExplainConnectionAsync("l4", System.Net.IPAddress.Parse("::ffff:10.9.0.1"));
        var unknown = await proxy.Runtime.ExplainConnectionAsync("l4", null);

        Assert.Equal(("l4", "tcp", true), (inside!.Listener, inside.Protocol, inside.Access.Allowed));
        Assert.Equal(["lan", "slow"], inside.Access.Policies.Select(p => p.Name));
        Assert.Equal(("rate-limit", "allow"), (inside.Access.Policies[1].Checks[0].Check, inside.Access.Policies[1].Checks[0].Result));
        Assert.False(denied!.Access.Allowed);
        Assert.Equal("10.9.0.1", denied.Access.Client);
        Assert.Equal("10.9.0.1 is in deny [10.9.0.0/16]", denied.Access.Policies[0].Checks[0].Detail);
        Assert.Null(unknown!.Access.Allowed);
        Assert.Null(await proxy.Runtime.ExplainConnectionAsync("nope", null));
        // Explaining spent no token and counted no decision.
        Assert.Equal(0, proxy.Runtime.PolicyReport().RateLimitKeys);
    }

    /// <summary>Listener "l4" of <paramref name="protocol"/> on an ephemeral port in front of pool "app" (one server on <paramref name="port"/>).</summary>
    private static async Task<ProxyHarness> StartAsync(string protocol, int port, string listener, string top)
    {
        var listenerKeys = string.Join("\n", listener.Split('\n').Where(l => l.Length > 0).Select(l => "    " + l));
        var yaml = string.Create(CultureInfo.InvariantCulture, $"""
            listeners:
              - name: l4
                bind: 127.0.0.1:18080
                protocol: {protocol}
                pool: app
            {listenerKeys}
            pools:
              - name: app
                servers:
                  - name: a
                    address: 127.0.0.1:{port}
            {top}
            """);
        var loaded = ConfigLoader.Parse(yaml, "test.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));
        var config = loaded.Config! with { Listeners = [loaded.Config!.Listeners[0] with { Bind = new HostPort("127.0.0.1", 0) }] };
        return await ProxyHarness.StartAsync(config, new AccessLogConfig { Path = "access.log" });
    }
}
