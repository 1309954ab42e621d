using Microsoft.AspNetCore.Http;
using Tandem.Core.Runtime;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>Purges without a shared tier: reported for the pair to send, and the peer's applied to this node's memory only.</summary>
public sealed class CachePurgeTests
{
    [Fact]
    public async Task Purge_WithoutSharedTier_ReportedForThePair_PeersAppliedLocally()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers["Cache-Tag"] = "t1";
            return c.Response.WriteAsync("x");
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();
        var reported = new List<CachePurgeOrder>();
        proxy.Runtime.CachePurges.Made += reported.Add;
        await GetAsync(client, proxy.BaseAddress, "/a", ("Host", "shop.example"));
        await GetAsync(client, proxy.BaseAddress, "/b", ("Host", "shop.example"));

        var result = await proxy.Runtime.PurgeAsync(CachePurgeScope.Url, "http://shop.example/a", CancellationToken.None);
        var fromPeer = proxy.Runtime.CachePurges.ApplyLocal!(new CachePurgeOrder(CachePurgeScope.Tag, "t1"));

        Assert.Equal(1, result!.Memory);
        Assert.Equal(-1, result.Shared);
        Assert.Equal([new CachePurgeOrder(CachePurgeScope.Url, "http://shop.example/a")], reported);
        Assert.Equal(1, fromPeer);
        Assert.Equal(0, proxy.Runtime.Stats!.Value.Objects);
    }
}
