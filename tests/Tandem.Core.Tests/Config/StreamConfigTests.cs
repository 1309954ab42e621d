using System.Net;
using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

public sealed class StreamConfigTests
{
    [Fact]
    public void Parse_TlsPassthroughRoutes_LoadInOrderWithTheDefault()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: tls
                bind: 0.0.0.0:443
                protocol: tls-passthrough
                accept-proxy: [10.0.0.0/8, 192.0.2.1]
                idle-timeout: 5m
                routes:
                  - match: { sni: A.Example.com }
                    pool: a
                  - match: { sni: "*.example.com" }
                    pool: b
                  - pool: c
            pools:
              - { name: a, servers: [{ address: 127.0.0.1:8443 }] }
              - { name: b, send-proxy: v2, servers: [{ address: 127.0.0.1:9443 }] }
              - { name: c, servers: [{ address: 127.0.0.1:10443 }] }
            """);

        var stream = config.Listeners[0].Stream!;
        Assert.Equal(ListenerProtocol.TlsPassthrough, config.Listeners[0].Protocol);
        Assert.Equal(["a.example.com", "*.example.com", null], stream.Routes.Select(r => r.Sni));
        Assert.Equal(["a", "b", "c"], stream.Routes.Select(r => r.Pool));
        Assert.Equal("c", stream.DefaultPool);
        Assert.Equal("c", config.Listeners[0].Pool);
        Assert.Equal([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.0.2.1/32")], stream.AcceptProxy);
        Assert.Equal(TimeSpan.FromMinutes(5), stream.IdleTimeout);
        Assert.Equal(ProxyProtocolVersion.V2, config.Pools[1].SendProxy);
    }

    [Fact]
    public void Parse_UdpBesideTcpOnTheSamePort_Loads()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - { name: dns-udp, bind: 127.0.0.1:53, protocol: udp, pool: dns, max-sessions: 500 }
              - { name: dns-tcp, bind: 127.0.0.1:53, protocol: tcp, pool: dns }
            pools:
              - name: dns
                algorithm: ip-hash
                health: { send: "hex:12340100000100000000000003777777076578616d706c6503636f6d0000010001", expect: "hex:1234" }
                servers: [{ address: 127.0.0.1:5353 }]
            """);

        Assert.Equal(500, config.Listeners[0].Stream!.MaxSessions);
        Assert.Equal(HealthCheckType.Udp, config.Pools[0].Health!.Type);
    }

    [Fact]
    public void Parse_TcpHealthSendExpect_Loads()
    {
        var config = LoadYaml.Valid("""
            listeners: [{ name: redis, bind: 127.0.0.1:6380, protocol: tcp, pool: redis }]
            pools:
              - name: redis
                health: { send: "PING\r\n", expect: "+PONG", interval: 1s }
                servers: [{ address: 127.0.0.1:6379 }, { address: 127.0.0.1:6381, backup: true }]
            """);

        var health = config.Pools[0].Health!;
        Assert.Equal(HealthCheckType.Tcp, health.EffectiveType);
        Assert.Equal("PING\r\n", health.Send);
        Assert.Equal("+PONG", health.Expect);
    }

    [Fact]
    public void Parse_L4Mistakes_EachNamedWithItsPath()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: tls
                bind: 127.0.0.1:443
                protocol: tls-passthrough
                routes:
                  - match: { sni: "bad name" }
                    pool: a
                  - pool: nope
                  - pool: a
              - name: udp
                bind: 127.0.0.1:53
                protocol: udp
                pool: a
                max-connections: 10
                http-versions: h2c
                accept-proxy: [not-a-network]
              - name: tcp
                bind: 127.0.0.1:54
                protocol: tcp
                pool: a
                max-sessions: 10
                routes: []
            pools:
              - name: a
                send-proxy: v3
                health: { path: /x, send: "PING", expect: "hex:zz" }
                servers: [{ address: 127.0.0.1:1 }]
            """);

        Assert.Equal(
            [
                "test.yaml:6:23: listeners[0].routes[0].match.sni: expected a host name or *.suffix (letters, digits, '-' and '.'), got 'bad name'",
                "test.yaml:8:15: listeners[0].routes[1].pool: unknown pool 'nope'; defined pools: a",
                "test.yaml:9:9: listeners[0].routes[2]: a second route without match; only one default route is allowed",
                "test.yaml:14:22: listeners[1].max-connections: does not apply to udp; use max-sessions",
                "test.yaml:15:20: listeners[1].http-versions: applies only to protocol http",
                "test.yaml:16:20: listeners[1].accept-proxy[0]: expected an address or CIDR network such as 10.0.0.0/8, got 'not-a-network'",
                "test.yaml:21:19: listeners[2].max-sessions: applies only to protocol udp",
                "test.yaml:22:13: listeners[2].routes: applies only to protocol tls-passthrough (routes by SNI)",
                "test.yaml:25:17: pools[0].send-proxy: unknown value 'v3'; expected v1 or v2",
                "test.yaml:26:31: pools[0].health.send: applies only to tcp and udp checks",
                "test.yaml:26:47: pools[0].health.expect: hex: may hold only the digits 0-9 and a-f",
                "test.yaml:26:47: pools[0].health.expect: applies only to tcp and udp checks; http checks use expect-status and expect-body",
            ],
            problems);
    }

    [Fact]
    public void Parse_Splice_AutoOffOrDefaultOnTcpAndRefusedOnUdp()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - { name: a, bind: 127.0.0.1:1001, protocol: tcp, pool: p, splice: off }
              - { name: b, bind: 127.0.0.1:1002, protocol: tcp, pool: p, splice: auto }
              - { name: c, bind: 127.0.0.1:1003, protocol: tcp, pool: p }
            pools:
              - { name: p, servers: [{ address: 127.0.0.1:1 }] }
            """);
        Assert.Equal([SpliceMode.Off, SpliceMode.Auto, null], config.Listeners.Select(l => l.Stream!.Splice));

        var problems = LoadYaml.Problems("""
            listeners:
              - { name: a, bind: 127.0.0.1:1001, protocol: tcp, pool: p, splice: always }
              - { name: b, bind: 127.0.0.1:1002, protocol: udp, pool: p, splice: auto }
            pools:
              - { name: p, servers: [{ address: 127.0.0.1:1 }] }
            """);
        Assert.Equal(
            [
                "test.yaml:2:70: listeners[0].splice: unknown value 'always'; expected auto or off",
                "test.yaml:3:70: listeners[1].splice: applies only to tcp and tls-passthrough (a udp flow has no byte stream to splice)",
            ],
            problems);
    }
}
