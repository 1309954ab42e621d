using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Proxy.Forwarding.Http11;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// The lean HTTP/1.1 path against YARP's forwarder on the same responses: one proxy, one raw server, two routes. The
/// catch-all route changes nothing but the forwarding headers, so the lean path carries it; the <c>/yarp</c> route
/// also sets a request header, a transform only YARP's forwarder applies, so YARP carries it (Route.Http11Headers is
/// null for it). The server answers by the last path segment, so both see the same bytes; the client must not be able
/// to tell the paths apart.
/// </summary>
public sealed class Http11LeanVsYarpTests
{
    private const string Marker = "X-Test-Path";

    /// <summary>A canned response, and whether the server closes the connection after it (a close-delimited body needs that).</summary>
    private sealed record Case(string Name, string Method, string Response, bool Close = false);

    private static readonly Case[] Cases =
    [
        new("length", "GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"),
        new("chunked", "GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;x=y\r\n!\r\n0\r\n\r\n"),
        new("chunked-trailers", "GET", "HTTP/1.1 200 OK\r\nTrailer: X-Sum\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 3\r\n\r\n"),
        new("close-delimited", "GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", true),
        new("http10", "GET", "HTTP/1.0 200 OK\r\nX-Old: yes\r\n\r\nold server", true),
        new("empty", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        new("created", "GET", "HTTP/1.1 201 Created\r\nLocation: /things/7\r\nContent-Length: 2\r\n\r\n{}"),
        new("no-content", "GET", "HTTP/1.1 204 No Content\r\nX-A: a\r\n\r\n"),
        new("partial", "GET", "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-3/10\r\nAccept-Ranges: bytes\r\nContent-Length: 4\r\n\r\n0123"),
        new("redirect", "GET", "HTTP/1.1 302 Found\r\nLocation: https://elsewhere.example/a?b=c\r\nContent-Length: 0\r\n\r\n"),
        new("not-modified", "GET", "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nCache-Control: max-age=60\r\n\r\n"),
        new("not-found", "GET", "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\n\r\nnot found"),
        new("error-chunked", "GET", "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nboom\r\n0\r\n\r\n"),
        new("unavailable", "GET", "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\nContent-Length: 4\r\n\r\nbusy"),
        new("many-headers", "GET", "HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=2; HttpOnly\r\nX-Multi: one\r\nX-Multi: two\r\n"
            + "x-lower: v\r\nX-UPPER: V\r\nVary: Accept-Encoding\r\nVary: Cookie\r\nCache-Control: no-cache\r\nETag: W/\"e\"\r\n"
            + "Last-Modified: Tue, 15 Nov 1994 12:45:26 GMT\r\nContent-Length: 2\r\n\r\nok"),
        new("hop-by-hop", "GET", "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nX-End: yes\r\n"
            + "Content-Length: 2\r\n\r\nok"),
        new("gzip-binary", "GET", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: application/octet-stream\r\nContent-Length: 4\r\n\r\n\u001f\u008b\u0000\u00ff"),
        new("head", "HEAD", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"),
        new("reason", "GET", "HTTP/1.1 200 Fine Thanks\r\nContent-Length: 2\r\n\r\nok"),
        new("empty-value", "GET", "HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Spaces:   padded   \r\nContent-Length: 2\r\n\r\nok"),
        new("latin1-value", "GET", "HTTP/1.1 200 OK\r\nX-Latin: caf\u00e9\r\nContent-Length: 2\r\n\r\nok"),
        new("connection-nominated", "GET", "HTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: 1\r\nContent-Length: 2\r\n\r\nok"),
        new("no-content-length0", "GET", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"),
        new("not-modified-length", "GET", "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 50\r\n\r\n"),
        new("no-content-length5", "GET", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"),
        new("head-chunked", "HEAD", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
    ];

    [Fact]
    public async Task Forward_SameResponses_LeanPathAndYarpGiveTheClientTheSame()
    {
        Assert.True(Http11Upstream.Enabled, "TANDEM_HTTP11_UPSTREAM=off is set: there is no lean path to compare");
        await using var server = new ScriptedServer(head =>
        {
            var target = head[(head.IndexOf(' ', StringComparison.Ordinal) + 1)..head.IndexOf(" HTTP/1.1\r\n", StringComparison.Ordinal)];
            var entry = Cases.Single(c => c.Name == target[(target.LastIndexOf('/') + 1)..]);
            return new ScriptedServer.Reply(entry.Response, entry.Close);
        });
        await using var proxy = await StartAsync(server);

        var differences = new List<string>();
        foreach (var entry in Cases)
        {
            var lean = await FetchAsync(proxy, entry.Method, "/" + entry.Name);
            var viaYarp = await FetchAsync(proxy, entry.Method, "/yarp/" + entry.Name);
            if (lean != viaYarp)
            {
                differences.Add($"{entry.Name}:\n lean: {lean}\n yarp: {viaYarp}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
        AssertEachPathTookItsRoute(server, 2 * Cases.Length);
    }

    /// <summary>A request as a client sends it, to the path <c>/r/NAME</c> (the YARP copy to <c>/yarp/r/NAME</c>).</summary>
    private sealed record RequestCase(string Name, string Head, string Body = "");

    /// <remarks>
    /// One request is left out because the paths differ on purpose, with its own test of the lean path's behaviour
    /// (Http11ForwarderHeaderTests): <c>TE: trailers</c>, which the lean path forwards and YARP's forwarder drops on
    /// HTTP/1.1.
    /// </remarks>
    private static readonly RequestCase[] Requests =
    [
        new("plain", "GET /r/plain HTTP/1.1\r\nHost: shop.example:8080\r\nUser-Agent: t/1\r\nAccept: */*\r\n"),
        new("cookies", "GET /r/cookies HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nCookie: b=2; c=3\r\n"),
        new("hop-by-hop", "GET /r/hop-by-hop HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
            + "Proxy-Connection: keep-alive\r\nTE: gzip\r\nProxy-Authorization: Basic eDp5\r\nX-End: yes\r\n"),
        new("connection-nominated", "GET /r/connection-nominated HTTP/1.1\r\nHost: x\r\nConnection: X-Hop\r\nX-Hop: 1\r\n"),
        new("forged-forwarding", "GET /r/forged-forwarding HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n"
            + "X-Forwarded-Host: evil.example\r\nX-Real-IP: 203.0.113.8\r\nForwarded: for=203.0.113.9\r\n"),
        new("repeated", "GET /r/repeated HTTP/1.1\r\nHost: x\r\nX-Multi: a\r\nX-Multi: b\r\nAccept: text/html\r\nAccept: */*\r\n"),
        new("post", "POST /r/post HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n", "hello"),
        new("post-empty", "POST /r/post-empty HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"),
        new("http10-no-host", "GET /r/http10-no-host HTTP/1.0\r\nX-Old: yes\r\n"),
        new("query", "GET /r/query?a=%20b&c=d/e?f&&g= HTTP/1.1\r\nHost: x\r\n"),
        new("encoded-slash", "GET /r/encoded-slash/a%2Fb%2fc%20d HTTP/1.1\r\nHost: x\r\n"),
        new("literal-percent", "GET /r/literal-percent/x%252F..%252Fy/%25/./z HTTP/1.1\r\nHost: x\r\n"),
        new("empty-value", "GET /r/empty-value HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Spaces:   padded   \r\n"),
        new("latin1-value", "GET /r/latin1-value HTTP/1.1\r\nHost: x\r\nX-Latin: caf\u00e9\r\n"),
        new("delete", "DELETE /r/delete HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"),
    ];

    [Fact]
    public async Task Forward_SameRequests_LeanPathAndYarpSendTheServerTheSame()
    {
        Assert.True(Http11Upstream.Enabled, "TANDEM_HTTP11_UPSTREAM=off is set: there is no lean path to compare");
        await using var server = new ScriptedServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        await using var proxy = await StartAsync(server);

        var differences = new List<string>();
        foreach (var entry in Requests)
        {
            var yarpHead = entry.Head.Replace(" /r/", " /yarp/r/", StringComparison.Ordinal);
            foreach (var head in new[] { entry.Head, yarpHead })
            {
                var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes(head + "\r\n" + entry.Body), TimeSpan.FromSeconds(10));
                Assert.True(RawHttp.StatusOf(response) == 200, $"{entry.Name}: {response}");
            }
            var seen = server.Requests;
            var lean = Seen(seen[^2]);
            var viaYarp = Seen(seen[^1]);
            if (lean != viaYarp)
            {
                differences.Add($"{entry.Name}:\n lean: {lean}\n yarp: {viaYarp}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
        AssertEachPathTookItsRoute(server, 2 * Requests.Length);
    }

    /// <summary>
    /// One proxy in front of <paramref name="server"/>: requests under <c>/yarp</c> go through YARP's forwarder (the
    /// route sets a request header, which only YARP's transforms do), all others take the lean path.
    /// </summary>
    internal static Task<ProxyHarness> StartAsync(ScriptedServer server)
    {
        var yarp = new RouteConfig
        {
            Name = "yarp",
            Match = new RouteMatch { PathPrefix = "/yarp" },
            Pool = "app",
            RequestHeaders = new HeaderActions { Set = [new(Marker, "yarp")] },
        };
        return ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [server.ServerConfig()], p => p,
            l => l with { Routes = [yarp, new RouteConfig { Name = "lean", Pool = "app" }] }));
    }

    /// <summary>Each request took the route meant for it, and the two paths never shared a connection: two different clients did the work.</summary>
    private static void AssertEachPathTookItsRoute(ScriptedServer server, int expected)
    {
        var requests = server.Requests;
        Assert.Equal(expected, requests.Count);
        var viaYarpRoute = requests.Where(r => r.Head.Contains("\r\n" + Marker + ": yarp\r\n", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(requests.Where(r => r.Head.Contains(" /yarp/", StringComparison.Ordinal)), viaYarpRoute);
        Assert.Equal(expected / 2, viaYarpRoute.Count);
        Assert.Empty(viaYarpRoute.Select(r => r.Connection).Intersect(requests.Except(viaYarpRoute).Select(r => r.Connection)));
    }

    /// <summary>
    /// What the server can tell of a request: the request line (the YARP route's <c>/yarp</c> prefix taken out), the body,
    /// and the header fields, names lower-cased and sorted, values in order within a name. A field sent on several lines
    /// and the same values joined on one line with commas (how SocketsHttpHandler writes them) mean the same (RFC 9110
    /// section 5.3), so values are split at commas (Cookie at semicolons, its separator); the YARP route's marker field is
    /// left out.
    /// </summary>
    private static string Seen(ScriptedServer.Request request)
    {
        var lines = request.Head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var fields = new List<(string Name, int Index, string Value)>();
        foreach (var line in lines[1..])
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon].ToLowerInvariant();
            if (name.Equals(Marker, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var separator = name == "cookie" ? ';' : ',';
            var values = line[(colon + 1)..].Split(separator, StringSplitOptions.TrimEntries);
            foreach (var value in values)
            {
                fields.Add((name, fields.Count, value));
            }
        }
        var text = new StringBuilder(lines[0].Replace(" /yarp/", " /", StringComparison.Ordinal)).Append(" body ")
            .Append(Encoding.Latin1.GetString(request.Body));
        foreach (var field in fields.OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Index))
        {
            text.Append("\n   ").Append(field.Name).Append(": ").Append(field.Value);
        }
        return text.ToString();
    }

    /// <summary>
    /// What the client can tell of a response: status, body hash and the end-to-end header fields (names lower-cased,
    /// sorted; values in order within a name). Left out, because they are not the server's and differ by framing or time:
    /// Date and Server (the proxy's own Kestrel may add them), Transfer-Encoding (the proxy's Kestrel chunks a body of
    /// unknown length whichever path carried it; the framing it chose is not what the server sent). Content-Length is kept:
    /// both paths must pass the server's on.
    /// </summary>
    private static async Task<string> FetchAsync(ProxyHarness proxy, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        using var response = await proxy.Client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var fields = new List<string>();
        foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
            .Concat(response.TrailingHeaders.NonValidated.Select(h => new KeyValuePair<string, HeaderStringValues>("trailer:" + h.Key, h.Value))))
        {
            var lower = name.ToLowerInvariant();
            if (lower is "date" or "server" or "transfer-encoding")
            {
                continue;
            }
            fields.Add(lower + ": " + string.Join(" | ", values));
        }
        fields.Sort(StringComparer.Ordinal);
        var text = new StringBuilder().Append((int)response.StatusCode).Append(' ').Append(response.ReasonPhrase).Append(" body ").Append(body.Length).Append(' ')
            .Append(Convert.ToHexString(SHA256.HashData(body))[..16]);
        foreach (var field in fields)
        {
            text.Append("\n   ").Append(field);
        }
        return text.ToString();
    }
}
