using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

/// <summary>Policies on tcp, udp and tls-passthrough listeners: what a connection can be checked on is accepted, the rest named at its line.</summary>
public sealed class StreamPolicyConfigTests
{
    private static string Yaml(string protocol, string policy, string policies) => $"""
        listeners:
          - name: db
            bind: 127.0.0.1:5432
            protocol: {protocol}
            pool: app
            policy: {policy}
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001
        policies:
        {policies}
        """;

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    [InlineData("tls-passthrough")]
    public void Parse_AddressAndIpRatePolicy_AcceptedOnLayer4(string protocol)
    {
        var result = ConfigLoader.Parse(Yaml(protocol, "lan", """
              - name: lan
                allow: [10.0.0.0/8]
                deny: [10.9.0.0/16]
                rate-limit: { key: ip, rate: 10/s, burst: 20 }
            """), "t.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(["lan"], result.Config!.Listeners[0].Policy!);
    }

    [Fact]
    public void Parse_HttpOnlyRequirementsOnTcp_NamedAtTheReference()
    {
        var result = ConfigLoader.Parse(Yaml("tcp", "[lan, staff]", """
              - name: lan
                allow: [10.0.0.0/8]
              - name: staff
                client-certificate: { subject: "CN=*" }
                forward-auth: { url: "http://127.0.0.1:9/auth" }
                rate-limit: { key: "header:X-User", rate: 10/s }
            """), "t.yaml");

        Assert.Equal(["t.yaml:6:19: listeners[0].policy[1]: policy 'staff' has client-certificate, forward-auth and rate-limit key header:X-User, "
            + "which need an HTTP request; a tcp listener can apply only allow, deny and rate-limit with key ip"],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Parse_ClientCertificatePolicyOnUdp_Refused()
    {
        var result = ConfigLoader.Parse(Yaml("udp", "certs", """
              - name: certs
                client-certificate: { subject: "CN=*" }
            """), "t.yaml");

        Assert.Equal(["t.yaml:6:13: listeners[0].policy: policy 'certs' has client-certificate, which need an HTTP request; "
            + "a udp listener can apply only allow, deny and rate-limit with key ip"], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Parse_TrustedProxiesOnTcp_PointsToAcceptProxy()
    {
        var result = ConfigLoader.Parse($"""
            listeners:
              - name: db
                bind: 127.0.0.1:5432
                protocol: tcp
                pool: app
                trusted-proxies: [10.0.0.0/8]
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """, "t.yaml");

        Assert.Equal(["t.yaml:6:22: listeners[0].trusted-proxies: applies only to protocol http (X-Forwarded-For); a layer-4 listener learns "
            + "the client address from a PROXY protocol header (accept-proxy)"], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Parse_HttpOnlyPolicyOnHttpListener_Accepted()
    {
        var result = ConfigLoader.Parse(Yaml("http", "certs", """
              - name: certs
                client-certificate: { subject: "CN=*" }
            """), "t.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }
}
