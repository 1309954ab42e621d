using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>RFC 9111 through the real proxy and a real server that sets the headers: what is stored, for whom, and for how long.</summary>
public sealed class CacheConformanceTests
{
    /// <summary>A handler that answers with <paramref name="cacheControl"/> and a body naming the request's number, so a test sees which answer it got.</summary>
    private static Func<HttpContext, Task> Numbered(string? cacheControl, Action<HttpContext>? also = null)
    {
        var n = 0;
        return context =>
        {
            if (cacheControl is not null)
            {
                context.Response.Headers.CacheControl = cacheControl;
            }
            also?.Invoke(context);
            return context.Response.WriteAsync("answer " + Interlocked.Increment(ref n));
        };
    }

    [Fact]
    public async Task MaxAge_SecondRequest_ServedFromCacheWithAge()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60");
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        var (first, firstBody) = await GetAsync(client, proxy.BaseAddress, "/page");
        var (second, secondBody) = await GetAsync(client, proxy.BaseAddress, "/page");

        Assert.Equal("MISS", XCache(first));
        Assert.Equal("HIT", XCache(second));
        Assert.Equal("answer 1", secondBody);
        Assert.Equal(firstBody, secondBody);
        Assert.NotNull(second.Headers.Age);
        Assert.Equal(1, origin.Count("/page"));
    }

    [Theory]
    [InlineData("no-store")]
    [InlineData("private, max-age=60")]
    [InlineData("max-age=60")] // with Set-Cookie
    public async Task NotShareable_NeverServedToAnotherClient(string cacheControl)
    {
        await using var origin = await HeaderBackend.StartAsync();
        var cookie = cacheControl == "max-age=60";
        origin.Handler = Numbered(cacheControl, c =>
        {
            if (cookie)
            {
                c.Response.Headers.SetCookie = "session=" + c.Request.Headers["X-User"];
            }
        });
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var alice = Client();
        using var bob = Client();

        var (_, aliceBody) = await GetAsync(alice, proxy.BaseAddress, "/me", ("X-User", "alice"));
        var (bobResponse, bobBody) = await GetAsync(bob, proxy.BaseAddress, "/me", ("X-User", "bob"));

        Assert.Equal("answer 1", aliceBody);
        Assert.Equal("answer 2", bobBody);
        Assert.Equal(2, origin.Count("/me"));
        if (cookie)
        {
            Assert.Equal(["session=bob"], bobResponse.Headers.GetValues("Set-Cookie"));
        }
    }

    [Fact]
    public async Task VaryCookie_EachCookieItsOwnVariant()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers.Vary = "Cookie";
            return c.Response.WriteAsync("for " + c.Request.Headers.Cookie);
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        var (_, a1) = await GetAsync(client, proxy.BaseAddress, "/cart", ("Cookie", "user=a"));
        var (_, b1) = await GetAsync(client, proxy.BaseAddress, "/cart", ("Cookie", "user=b"));
        var (hit, a2) = await GetAsync(client, proxy.BaseAddress, "/cart", ("Cookie", "user=a"));
        var (_, none) = await GetAsync(client, proxy.BaseAddress, "/cart");

        Assert.Equal("for user=a", a1);
        Assert.Equal("for user=b", b1);
        Assert.Equal("for user=a", a2);
        Assert.Equal("HIT", XCache(hit));
        Assert.Equal("for ", none);
        Assert.Equal(3, origin.Count("/cart"));
    }

    [Fact]
    public async Task VaryStar_NeverServedFromCache()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60", c => c.Response.Headers.Vary = "*");
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/x");
        var (_, body) = await GetAsync(client, proxy.BaseAddress, "/x");

        Assert.Equal("answer 2", body);
    }

    [Fact]
    public async Task VaryAcceptEncoding_NormalizedToTheCodingsStored()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers.Vary = "Accept-Encoding";
            return c.Response.WriteAsync("accept " + c.Request.Headers.AcceptEncoding);
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        var (_, first) = await GetAsync(client, proxy.BaseAddress, "/a", ("Accept-Encoding", "gzip, deflate, br"));
        var (_, sameBr) = await GetAsync(client, proxy.BaseAddress, "/a", ("Accept-Encoding", "br;q=1.0, gzip;q=0.8"));
        var (_, gzipOnly) = await GetAsync(client, proxy.BaseAddress, "/a", ("Accept-Encoding", "gzip"));
        var (_, noBr) = await GetAsync(client, proxy.BaseAddress, "/a", ("Accept-Encoding", "br;q=0, gzip"));

        Assert.Equal("accept gzip, deflate, br", first);
        Assert.Equal(first, sameBr);
        Assert.Equal("accept gzip", gzipOnly);
        Assert.Equal("accept gzip", noBr);
        Assert.Equal(2, origin.Count("/a"));
    }

    [Theory]
    [InlineData("max-age=60", 2)]
    [InlineData("public, max-age=60", 1)]
    [InlineData("s-maxage=60", 1)]
    public async Task Authorization_StoredOnlyWhenTheResponseSaysShared(string cacheControl, int expectedRequests)
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered(cacheControl);
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/doc", ("Authorization", "Bearer alice"));
        await GetAsync(client, proxy.BaseAddress, "/doc", ("Authorization", "Bearer alice"));

        Assert.Equal(expectedRequests, origin.Count("/doc"));
    }

    [Fact]
    public async Task Head_NeverPoisonsGet_AndIsAnsweredFromTheGetEntry()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60");
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        var (head, headBody) = await SendAsync(client, proxy.BaseAddress, "/h", HttpMethod.Head);
        var (_, getBody) = await GetAsync(client, proxy.BaseAddress, "/h");
        var (head2, _) = await SendAsync(client, proxy.BaseAddress, "/h", HttpMethod.Head);

        Assert.Equal("", headBody);
        Assert.Equal("answer 2", getBody);
        Assert.Equal("HIT", XCache(head2));
        Assert.Equal(8, head2.Content.Headers.ContentLength);
        Assert.Equal(2, origin.Count("/h"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task PartialContent_NeverPoisonsGet()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            if (c.Request.Headers.Range.Count > 0)
            {
                c.Response.StatusCode = 206;
                c.Response.Headers.ContentRange = "bytes 0-1/10";
                return c.Response.WriteAsync("01");
            }
            return c.Response.WriteAsync("0123456789");
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        var (partial, partialBody) = await GetAsync(client, proxy.BaseAddress, "/file", ("Range", "bytes=0-1"));
        var (_, full) = await GetAsync(client, proxy.BaseAddress, "/file");
        var (again, fullAgain) = await GetAsync(client, proxy.BaseAddress, "/file");

        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("01", partialBody);
        Assert.Equal("0123456789", full);
        Assert.Equal("0123456789", fullAgain);
        Assert.Equal("HIT", XCache(again));
    }

    [Fact]
    public async Task Key_NotSplitByHostCasePortOrPathEncoding()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60");
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/abc", ("Host", "example.com"));
        var (a, _) = await GetAsync(client, proxy.BaseAddress, "/abc", ("Host", "EXAMPLE.com"));
        var (b, _) = await GetAsync(client, proxy.BaseAddress, "/a%62c", ("Host", "example.com:80"));
        var (c, _) = await GetAsync(client, proxy.BaseAddress, "/abc", ("Host", "Example.COM."));
        var (other, _) = await GetAsync(client, proxy.BaseAddress, "/abc", ("Host", "other.example"));

        Assert.Equal(["HIT", "HIT", "HIT", "MISS"], new[] { XCache(a)!, XCache(b)!, XCache(c)!, XCache(other)! });
    }

    [Fact]
    public async Task NoCacheWithETag_RevalidatedWith304_StoredBodyServed()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = "no-cache";
            c.Response.Headers.ETag = "\"v1\"";
            if (c.Request.Headers.IfNoneMatch == "\"v1\"")
            {
                c.Response.StatusCode = 304;
                c.Response.Headers["X-Refreshed"] = "yes";
                return Task.CompletedTask;
            }
            return c.Response.WriteAsync("body v1");
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/r");
        var (second, body) = await GetAsync(client, proxy.BaseAddress, "/r");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("body v1", body);
        Assert.Equal("REVALIDATED", XCache(second));
        Assert.Equal("yes", second.Headers.GetValues("X-Refreshed").Single());
        Assert.Equal("\"v1\"", origin.Last("/r")!.IfNoneMatch.ToString());
        Assert.Equal(2, origin.Count("/r"));
    }

    [Fact]
    public async Task ClientConditional_OnAFreshEntry_304FromTheCache()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60", c => c.Response.Headers.ETag = "W/\"e1\"");
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/c");
        var (match, _) = await GetAsync(client, proxy.BaseAddress, "/c", ("If-None-Match", "\"e1\""));
        var (noMatch, body) = await GetAsync(client, proxy.BaseAddress, "/c", ("If-None-Match", "\"other\""));

        Assert.Equal(HttpStatusCode.NotModified, match.StatusCode);
        Assert.Equal(HttpStatusCode.OK, noMatch.StatusCode);
        Assert.Equal("answer 1", body);
        Assert.Equal(1, origin.Count("/c"));
    }

    [Fact]
    public async Task UnsafeMethod_Succeeded_InvalidatesTheUriAndItsLocation()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var n = 0;
        origin.Handler = c =>
        {
            if (HttpMethods.IsPost(c.Request.Method))
            {
                c.Response.StatusCode = 201;
                c.Response.Headers.Location = "/items/1";
                return Task.CompletedTask;
            }
            c.Response.Headers.CacheControl = "max-age=60";
            return c.Response.WriteAsync("v" + Interlocked.Increment(ref n));
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/items");
        await GetAsync(client, proxy.BaseAddress, "/items/1");
        await SendAsync(client, proxy.BaseAddress, "/items", HttpMethod.Post);
        var (list, _) = await GetAsync(client, proxy.BaseAddress, "/items");
        var (item, _) = await GetAsync(client, proxy.BaseAddress, "/items/1");

        Assert.Equal("MISS", XCache(list));
        Assert.Equal("MISS", XCache(item));
    }

    [Fact]
    public async Task ExpiresInThePast_NotFresh()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered(null, c => c.Response.Headers.Expires = "Thu, 01 Jan 1970 00:00:00 GMT");
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/old");
        var (_, body) = await GetAsync(client, proxy.BaseAddress, "/old");

        Assert.Equal("answer 2", body);
    }

    [Fact]
    public async Task ExpiresInTheFuture_Fresh()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered(null, c => c.Response.Headers.Expires = DateTimeOffset.UtcNow.AddHours(1).ToString("R"));
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/new");
        var (_, body) = await GetAsync(client, proxy.BaseAddress, "/new");

        Assert.Equal("answer 1", body);
    }

    [Theory]
    [InlineData(false, "answer 2")]
    [InlineData(true, "answer 1")]
    public async Task LastModifiedOnly_CachedOnlyWithTheRoutesHeuristic(bool heuristic, string expected)
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered(null, c => c.Response.Headers.LastModified = DateTimeOffset.UtcNow.AddDays(-10).ToString("R"));
        var route = new RouteCacheConfig { XCacheHeader = true, HeuristicFraction = heuristic ? 0.1 : null };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, route));
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/lm");
        var (_, body) = await GetAsync(client, proxy.BaseAddress, "/lm");

        Assert.Equal(expected, body);
    }

    [Fact]
    public async Task RequestDirectives_NoCacheGoesToTheServer_OnlyIfCachedMissIs504_MaxAgeZeroRefetches()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60");
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        var (onlyIfCached, _) = await GetAsync(client, proxy.BaseAddress, "/d", ("Cache-Control", "only-if-cached"));
        await GetAsync(client, proxy.BaseAddress, "/d");
        var (noCache, b2) = await GetAsync(client, proxy.BaseAddress, "/d", ("Cache-Control", "no-cache"));
        var (pragma, b3) = await GetAsync(client, proxy.BaseAddress, "/d", ("Pragma", "no-cache"));
        var (_, b4) = await GetAsync(client, proxy.BaseAddress, "/d", ("Cache-Control", "max-age=0"));
        var (hit, b5) = await GetAsync(client, proxy.BaseAddress, "/d", ("Cache-Control", "only-if-cached"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, onlyIfCached.StatusCode);
        Assert.Equal(["answer 2", "answer 3", "answer 4"], new[] { b2, b3, b4 });
        Assert.Equal("MISS", XCache(noCache));
        Assert.Equal("MISS", XCache(pragma));
        Assert.Equal("answer 4", b5);
        Assert.Equal("HIT", XCache(hit));
    }

    [Fact]
    public async Task BodyAboveMaxObject_StreamedWhole_NotStored()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var big = new string('x', 3 * 1024 * 1024);
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return c.Response.WriteAsync(big);
        };
        var storage = new CacheConfig { Memory = 64L << 20, MaxObject = 1L << 20 };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, storage: storage));
        using var client = Client();

        var (_, first) = await GetAsync(client, proxy.BaseAddress, "/big");
        var (second, secondBody) = await GetAsync(client, proxy.BaseAddress, "/big");

        Assert.Equal(big.Length, first.Length);
        Assert.Equal(big.Length, secondBody.Length);
        Assert.Equal("MISS", XCache(second));
        Assert.Equal(0, proxy.Runtime.Stats!.Value.Objects);
    }

    [Fact]
    public async Task MemoryBound_LeastRecentlyUsedEvicted()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var body = new string('y', 300 * 1024);
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return c.Response.WriteAsync(body);
        };
        var storage = new CacheConfig { Memory = 1L << 20, MaxObject = 512 * 1024 };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, storage: storage));
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/1");
        await GetAsync(client, proxy.BaseAddress, "/2");
        await GetAsync(client, proxy.BaseAddress, "/3");
        await GetAsync(client, proxy.BaseAddress, "/1"); // /1 is now the most recently used
        await GetAsync(client, proxy.BaseAddress, "/4"); // over 1 MB: evicts the least recently used

        Assert.True(proxy.Runtime.Stats!.Value.Bytes <= 1L << 20);
        var (one, _) = await GetAsync(client, proxy.BaseAddress, "/1");
        var (two, _) = await GetAsync(client, proxy.BaseAddress, "/2");
        Assert.Equal("HIT", XCache(one));
        Assert.Equal("MISS", XCache(two));
    }

    [Fact]
    public async Task RouteResponseHeaders_RenderedPerRequest_NeverReplayedFromAnotherClient()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60");
        var config = Config(origin);
        config = config with
        {
            Listeners = [config.Listeners[0] with
            {
                Routes = [new RouteConfig
                {
                    Name = "site", Pool = "app", Cache = new RouteCacheConfig { XCacheHeader = true },
                    ResponseHeaders = new HeaderActions { Set = [new("X-Request", "{request.id}")] },
                }],
            }],
        };
        await using var proxy = await ProxyHarness.StartAsync(config);
        using var client = Client();

        var (first, _) = await GetAsync(client, proxy.BaseAddress, "/p");
        var (second, body) = await GetAsync(client, proxy.BaseAddress, "/p");

        Assert.Equal("HIT", XCache(second));
        Assert.Equal("answer 1", body);
        var firstId = first.Headers.GetValues("X-Request").Single();
        var secondId = second.Headers.GetValues("X-Request").Single();
        Assert.NotEmpty(secondId);
        Assert.NotEqual(firstId, secondId);
    }
}
