using System.Net;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Core.Tests.Config;

public sealed class DnsConfigTests
{
    [Fact]
    public void Parse_ResolverIntervalAndRuntimeServer_Bound()
    {
        var result = ConfigLoader.Parse("""
            resolver: 127.0.0.1:5353
            resolve-interval: 10s
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: app.local:8080
                  - address: later.local:8080
                    resolve: runtime
                  - address: 127.0.0.1:9001
            """, LoadYaml.File);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var config = result.Config!;
        Assert.Equal(new HostPort("127.0.0.1", 5353), config.Resolver);
        Assert.Equal(TimeSpan.FromSeconds(10), config.ResolveInterval);
        Assert.Equal([ResolveMode.Start, ResolveMode.Runtime, ResolveMode.Start], config.Pools[0].Servers.Select(s => s.Resolve));
        Assert.Equal(
            [new BackendName("app.local", LoadYaml.File, 10, 18, "pools[0].servers[0].address", ResolveMode.Start),
             new BackendName("later.local", LoadYaml.File, 11, 18, "pools[0].servers[1].address", ResolveMode.Runtime)],
            result.Names);
    }

    [Fact]
    public void Parse_NoDnsKeys_SystemResolverAndNoNames()
    {
        var result = ConfigLoader.Parse(TestYaml.OneServer, LoadYaml.File);

        Assert.Null(result.Config!.Resolver);
        Assert.Null(result.Config.ResolveInterval);
        Assert.Empty(result.Names);
        Assert.Equal(IPAddress.Parse("127.0.0.1"), result.Config.Pools[0].Servers[0].Address.Ip);
    }

    [Fact]
    public void Parse_BadDnsKeys_OneProblemEach()
    {
        var problems = LoadYaml.Problems(TestYaml.OneServer + """
            resolver: dns.example:53
            resolve-interval: 10ms

            """);

        Assert.Equal(
        [
            "test.yaml:9:11: resolver: bad address 'dns.example:53': the DNS server must be an IP address such as 127.0.0.1:53",
            "test.yaml:10:19: resolve-interval: must be at least 100ms",
        ], problems);
    }

    [Fact]
    public void Parse_UnknownResolveMode_NamesTheChoices()
    {
        var problems = LoadYaml.Problems(TestYaml.OneServer.Replace("127.0.0.1:9001", "app.local:80\n        resolve: later", StringComparison.Ordinal));

        Assert.Equal(["test.yaml:9:18: pools[0].servers[0].resolve: unknown value 'later'; expected start or runtime"], problems);
    }
}
