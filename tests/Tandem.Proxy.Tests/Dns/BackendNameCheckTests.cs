using System.Net;
using Tandem.Core.Config;
using Tandem.Proxy.Dns;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Dns;

public sealed class BackendNameCheckTests
{
    private static string Yaml(string resolver, string server) => $"""
        resolver: {resolver}
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            pool: app
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001
              {server}

        """;

    [RequiresFact(DnsmasqServer.Tool)]
    public async Task CheckAsync_NameTheResolverDoesNotKnow_ProblemAtTheAddress()
    {
        Requirements.Check([DnsmasqServer.Tool]);
        await using var dns = await DnsmasqServer.StartAsync(("known.test", "127.0.0.2"));
        var loaded = ConfigLoader.Parse(Yaml(dns.Address, "- address: unknown.test:8080"), "t.yaml");

        var checkedResult = await BackendNameCheck.CheckAsync(loaded, CancellationToken.None);

        Assert.False(checkedResult.IsValid);
        var problem = Assert.Single(checkedResult.Problems);
        Assert.StartsWith("t.yaml:10:18: pools[0].servers[1].address: name 'unknown.test' does not resolve (", problem.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("); fix it, or add 'resolve: runtime' to the server to wait for it while running", problem.ToString(), StringComparison.Ordinal);
    }

    [RequiresFact(DnsmasqServer.Tool)]
    public async Task CheckAsync_NameTheResolverKnows_Valid()
    {
        Requirements.Check([DnsmasqServer.Tool]);
        await using var dns = await DnsmasqServer.StartAsync(("known.test", "127.0.0.2"));
        var loaded = ConfigLoader.Parse(Yaml(dns.Address, "- address: known.test:8080"), "t.yaml");

        var checkedResult = await BackendNameCheck.CheckAsync(loaded, CancellationToken.None);

        Assert.True(checkedResult.IsValid);
    }

    [Fact]
    public async Task CheckAsync_RuntimeResolutionAskedFor_NotLookedUp()
    {
        var loaded = ConfigLoader.Parse(Yaml("127.0.0.1:53", "- { address: later.test:8080, resolve: runtime }"), "t.yaml");
        var resolver = new CountingResolver();

        var checkedResult = await BackendNameCheck.CheckAsync(loaded, resolver, CancellationToken.None);

        Assert.True(checkedResult.IsValid);
        Assert.Equal(0, resolver.Lookups);
    }

    [Fact]
    public async Task CheckAsync_OneNameTwice_LookedUpOnceReportedTwice()
    {
        var loaded = ConfigLoader.Parse(Yaml("127.0.0.1:53", "- address: gone.test:8080\n      - address: gone.test:8081"), "t.yaml");
        var resolver = new CountingResolver();

        var checkedResult = await BackendNameCheck.CheckAsync(loaded, resolver, CancellationToken.None);

        Assert.Equal(1, resolver.Lookups);
        Assert.Equal(["pools[0].servers[1].address", "pools[0].servers[2].address"], checkedResult.Problems.Select(p => p.Path));
        Assert.All(checkedResult.Problems, p => Assert.Contains("(no such name)", p.Message, StringComparison.Ordinal));
    }

    private sealed class CountingResolver : INameResolver
    {
        public int Lookups;

        public Task<NameAnswer> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Lookups);
            return Task.FromResult(host == "known.test" ? new NameAnswer([IPAddress.Loopback], null, null) : NameAnswer.Failed("no such name"));
        }
    }
}
