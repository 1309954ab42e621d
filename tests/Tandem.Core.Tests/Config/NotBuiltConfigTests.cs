using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

/// <summary>Keys the documented surface names before their feature exists: refused with that reason, at file:line:col.</summary>
public sealed class NotBuiltConfigTests
{
    [Fact]
    public void Parse_CacheAtTopAndOnARoute_RefusedAsNotBuiltYet()
    {
        var result = ConfigLoader.Parse("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                routes:
                  - pool: app
                    cache: { enabled: true }
            cache: { memory: 256MB }
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """, "t.yaml");

        Assert.Equal(
            [
                "t.yaml:6:16: listeners[0].routes[0].cache: the HTTP cache is not built yet in this version of Tandem; remove 'cache'",
                "t.yaml:7:8: cache: the HTTP cache is not built yet in this version of Tandem; remove 'cache'",
            ],
            result.Problems.Select(p => p.ToString()).Order(StringComparer.Ordinal));
    }
}
