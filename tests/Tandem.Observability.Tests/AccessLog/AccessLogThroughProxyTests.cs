using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Testing;

namespace Tandem.Observability.Tests.AccessLog;

/// <summary>The access log's lines after real requests through a real proxy to real backends.</summary>
public sealed partial class AccessLogThroughProxyTests
{
    private static readonly AccessLogConfig JsonFile = new() { Path = "access.log" };

    [Fact]
    public async Task Forward_Success_JsonLineWithEveryField()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([a.ServerConfig()]), JsonFile);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/stream/1234?x=1&y=%22", UriKind.Relative));
        request.Headers.UserAgent.ParseAdd("probe/1.0");
        request.Headers.Referrer = new Uri("http://example.test/from");

        (await proxy.Client.SendAsync(request)).Dispose();

        var line = Assert.Single(await proxy.LogEntriesAsync(1));
        var time = line.GetProperty("time").GetString()!;
        Assert.Matches(IsoUtc(), time);
        Assert.InRange(DateTimeOffset.Parse(time, CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("127.0.0.1", line.GetProperty("client").GetString());
        Assert.Equal("GET", line.GetProperty("method").GetString());
        Assert.Equal(proxy.Client.BaseAddress!.Authority, line.GetProperty("host").GetString());
        Assert.Equal("/stream/1234", line.GetProperty("path").GetString());
        Assert.Equal("x=1&y=%22", line.GetProperty("query").GetString());
        Assert.Equal("HTTP/1.1", line.GetProperty("protocol").GetString());
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal("a", line.GetProperty("server").GetString());
        Assert.Equal("app", line.GetProperty("pool").GetString());
        Assert.Equal("web", line.GetProperty("listener").GetString());
        Assert.Equal(1, line.GetProperty("attempts").GetInt32());
        var total = line.GetProperty("duration_ms").GetDouble();
        var upstream = line.GetProperty("upstream_ms").GetDouble();
        Assert.True(upstream > 0 && upstream <= total, $"upstream {upstream} ms within total {total} ms");
        Assert.Equal(0, line.GetProperty("bytes_in").GetInt64());
        Assert.Equal(1234, line.GetProperty("bytes_out").GetInt64());
        Assert.Equal("probe/1.0", line.GetProperty("user_agent").GetString());
        Assert.Equal("http://example.test/from", line.GetProperty("referer").GetString());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Forward_DeadBackend_502WithConnectFailed()
    {
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([TestConfig.DeadServer()]), JsonFile);

        using var response = await proxy.Client.GetAsync(new Uri("/x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var line = Assert.Single(await proxy.LogEntriesAsync(1));
        Assert.Equal(502, line.GetProperty("status").GetInt32());
        Assert.Equal("connect-failed", line.GetProperty("error").GetString());
        Assert.Equal("dead", line.GetProperty("server").GetString());
        Assert.Equal(1, line.GetProperty("attempts").GetInt32());
        Assert.Equal(response.Content.Headers.ContentLength, line.GetProperty("bytes_out").GetInt64());
    }

    [Fact]
    public async Task Forward_DeadServerThenLive_TwoAttemptsOnTheLiveServer()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([TestConfig.DeadServer(), a.ServerConfig()]), JsonFile);

        using var response = await proxy.Client.PostAsync(new Uri("/echo", UriKind.Relative), new StringContent("body"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = Assert.Single(await proxy.LogEntriesAsync(1));
        Assert.Equal(2, line.GetProperty("attempts").GetInt32());
        Assert.Equal("a", line.GetProperty("server").GetString());
        Assert.Equal("POST", line.GetProperty("method").GetString());
        Assert.Equal(4, line.GetProperty("bytes_in").GetInt64());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Forward_NoUsableServer_503WithNoServer()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([a.ServerConfig()]), JsonFile);
        var pool = proxy.Pools.Find("app")!;
        pool.SetAdminState(pool.Servers[0], AdminState.Disabled);

        using var response = await proxy.Client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var line = Assert.Single(await proxy.LogEntriesAsync(1));
        Assert.Equal("no-server", line.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("server").ValueKind);
        Assert.Equal(0, line.GetProperty("attempts").GetInt32());
        Assert.Equal(0, line.GetProperty("upstream_ms").GetDouble());
    }

    [Fact]
    public async Task Forward_CombinedFormat_NginxLine()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([a.ServerConfig()]), JsonFile with { Format = AccessLogFormat.Combined });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/stream/10?q=1", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("User-Agent", "say \"hi\"");

        (await proxy.Client.SendAsync(request)).Dispose();

        var line = Assert.Single(await proxy.LogLinesAsync(1));
        Assert.Matches(Combined(), line);
        Assert.EndsWith("\"GET /stream/10?q=1 HTTP/1.1\" 200 10 \"-\" \"say \\x22hi\\x22\" \"default\"", line, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoUtc();

    [GeneratedRegex(@"^127\.0\.0\.1 - - \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] """)]
    private static partial Regex Combined();
}
