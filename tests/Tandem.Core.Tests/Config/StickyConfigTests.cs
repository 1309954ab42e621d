using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Core.Tests.Config;

/// <summary>The pool key <c>sticky</c>.</summary>
public sealed class StickyConfigTests
{
    [Fact]
    public void Parse_CookieAndTableModes_BoundWithDefaultsLeftNull()
    {
        var result = ConfigLoader.Parse(TestYaml.PoolHead + """
                sticky: {}
                servers:
                  - address: 127.0.0.1:9001
              - name: api
                sticky: { mode: table, key: header:X-Session, ttl: 10m, size: 5000 }
                servers:
                  - address: 127.0.0.1:9002
              - name: shop
                sticky: { mode: cookie, cookie: route, ttl: 1h }
                servers:
                  - address: 127.0.0.1:9003
            """, "t.yaml");

        Assert.Empty(result.Problems);
        Assert.Equal(new StickyConfig(), result.Config!.Pools[0].Sticky);
        Assert.Equal(new StickyConfig { Mode = StickyMode.Table, Key = new HashKey(HashKeySource.Header, "X-Session"), Ttl = TimeSpan.FromMinutes(10), Size = 5000 },
            result.Config.Pools[1].Sticky);
        Assert.Equal(new StickyConfig { Cookie = "route", Ttl = TimeSpan.FromHours(1) }, result.Config.Pools[2].Sticky);
    }

    [Fact]
    public void Parse_BadStickyKeys_EachNamedWithLineAndPath()
    {
        var result = ConfigLoader.Parse(TestYaml.PoolHead + """
                sticky:
                  mode: sessions
                servers:
                  - address: 127.0.0.1:9001
              - name: b
                sticky: { mode: table, cookie: route, ttl: 200ms }
                servers:
                  - address: 127.0.0.1:9002
              - name: c
                sticky: { key: ip, size: 10, cookie: "a b" }
                servers:
                  - address: 127.0.0.1:9003
            """, "t.yaml");

        Assert.Equal(
            [
                "t.yaml:8:13: pools[0].sticky.mode: expected cookie or table, got 'sessions'",
                "t.yaml:12:36: pools[1].sticky.cookie: applies only to mode cookie; table mode names its key with 'key'",
                "t.yaml:12:48: pools[1].sticky.ttl: must be at least 1s, got 200 ms",
                "t.yaml:16:20: pools[2].sticky.key: applies only to mode table; cookie mode names its cookie with 'cookie'",
                "t.yaml:16:30: pools[2].sticky.size: applies only to mode table: cookie mode stores nothing",
                "t.yaml:16:42: pools[2].sticky.cookie: must be a cookie name (letters, digits and !#$%&'*+-.^_`|~), got 'a b'",
            ],
            result.Problems.Select(p => p.ToString()));
    }
}
