using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Proxy.Caching;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>Cache-Control parsing, freshness lifetimes and the Age arithmetic of RFC 9111 §4.2.</summary>
public sealed class CacheDirectivesTests
{
    [Fact]
    public void Parse_MixedCaseQuotedAndSplitHeaders()
    {
        var d = CacheDirectives.Parse(new Microsoft.Extensions.Primitives.StringValues(["Public, MAX-AGE=\"30\"", "s-maxage=60 , stale-if-error=600, max-stale"]));

        Assert.True(d.Public);
        Assert.Equal(TimeSpan.FromSeconds(30), d.MaxAge);
        Assert.Equal(TimeSpan.FromSeconds(60), d.SharedMaxAge);
        Assert.Equal(TimeSpan.FromSeconds(600), d.StaleIfError);
        Assert.Equal(TimeSpan.MaxValue, d.MaxStale);
        Assert.False(d.NoStore);
    }

    [Fact]
    public void Parse_BadMaxAge_Stale()
    {
        Assert.Equal(TimeSpan.Zero, CacheDirectives.Parse("max-age=soon").MaxAge);
        Assert.Equal(TimeSpan.FromSeconds(int.MaxValue), CacheDirectives.Parse("max-age=99999999999999999999").MaxAge);
    }

    [Fact]
    public void Lifetime_SharedMaxAgeThenMaxAgeThenExpiresThenHeuristic()
    {
        var date = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        CachedResponse With(params (string, string)[] headers) =>
            new(200, [new("Date", [date.ToString("R")]), .. headers.Select(h => new KeyValuePair<string, string[]>(h.Item1, [h.Item2]))],
                [], date, date, [], [], []);
        var route = new RouteCacheConfig { HeuristicFraction = 0.1 };

        Assert.Equal(TimeSpan.FromSeconds(60), Freshness.Lifetime(With(("Cache-Control", "max-age=10, s-maxage=60")), route));
        Assert.Equal(TimeSpan.FromSeconds(10), Freshness.Lifetime(With(("Cache-Control", "max-age=10"), ("Expires", date.AddHours(1).ToString("R"))), route));
        Assert.Equal(TimeSpan.FromHours(1), Freshness.Lifetime(With(("Expires", date.AddHours(1).ToString("R"))), route));
        Assert.Equal(TimeSpan.Zero, Freshness.Lifetime(With(("Expires", "0")), route));
        Assert.Equal(TimeSpan.FromDays(1), Freshness.Lifetime(With(("Last-Modified", date.AddDays(-10).ToString("R"))), route));
        Assert.Equal(TimeSpan.Zero, Freshness.Lifetime(With(("Last-Modified", date.AddDays(-10).ToString("R"))), new RouteCacheConfig()));
    }

    [Fact]
    public void Age_CorrectedForTheResponsesAgeAndTheDelay()
    {
        var requested = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var received = requested.AddSeconds(2);
        var response = new CachedResponse(200, [new("Date", [requested.ToString("R")]), new("Age", ["30"])], [], requested, received, [], [], []);

        // corrected_initial_age = max(apparent 2 s, Age 30 s + delay 2 s) = 32 s; plus 10 s resident.
        Assert.Equal(TimeSpan.FromSeconds(42), response.AgeAt(received.AddSeconds(10)));
    }

    [Theory]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("GZIP;q=0.5", "gzip")]
    [InlineData("identity", "identity")]
    [InlineData("gzip;q=0.0, br;q=0.000", "identity")]
    [InlineData("*", "br")]
    public void VaryValue_AcceptEncoding_Normalized(string accept, string expected) =>
        Assert.Equal(expected, CacheKeys.VaryValue("accept-encoding", accept));

    [Theory]
    [InlineData("http", "Example.COM:80", "/a/b", "?x=1", "http://example.com/a/b?x=1")]
    [InlineData("https", "example.com:443", "/", "", "https://example.com/")]
    [InlineData("http", "example.com:8080", "//a//b", "", "http://example.com:8080/a/b")]
    [InlineData("http", "[::1]:80", "/", "", "http://[::1]/")]
    public void Primary_Normalized(string scheme, string host, string path, string query, string expected) =>
        Assert.Equal(expected, CacheKeys.Primary(scheme, host, new PathString(path), query));

    [Fact]
    public void FromUrl_NormalizedAsARequestWouldBe() =>
        Assert.Equal("http://shop.example/p/abc?x=1", CacheKeys.FromUrl("HTTP://Shop.Example:80/p/a%62c?x=1"));
}
