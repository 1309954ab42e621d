using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

/// <summary>A route's own settings (<c>timeouts</c>, <c>max-body</c>): what binds, and what each mistake says.</summary>
public sealed class RouteOptionsConfigTests
{
    private const string Pools = """
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001

        """;

    /// <summary>Routes start on line 9.</summary>
    private static string Listener(string routes) => Pools + """
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            routes:

        """ + routes;

    [Fact]
    public void Parse_TimeoutsAndMaxBody_Bound()
    {
        var config = LoadYaml.Valid(Listener("""
                  - name: upload
                    match: { path: /upload }
                    pool: app
                    timeouts: { response: 2m, idle: 5s }
                    max-body: 5GB
                  - name: small
                    pool: app
                    max-body: 4KB
                  - name: any
                    pool: app
                    max-body: unlimited
            """));

        var routes = config.Listeners[0].Routes!;
        Assert.Equal(new PoolTimeouts { Response = TimeSpan.FromMinutes(2), Idle = TimeSpan.FromSeconds(5) }, routes[0].Timeouts);
        Assert.Equal(5L << 30, routes[0].MaxBody);
        Assert.Equal(4096, routes[1].MaxBody);
        Assert.Null(routes[1].Timeouts);
        Assert.Equal(long.MaxValue, routes[2].MaxBody);
    }

    [Fact]
    public void Parse_BadTimeoutsAndMaxBody_EachNamedWithLineAndPath()
    {
        var problems = LoadYaml.Problems(Listener("""
                  - pool: app
                    timeouts: { connect: 1s, response: 10s }
                  - pool: app
                    timeouts: { response: soon, idel: 5s }
                    max-body: 10
                  - respond: { body: ok }
                    timeouts: { response: 1s }
                    max-body: lots
            """));

        Assert.Equal(
        [
            "test.yaml:10:30: listeners[0].routes[0].timeouts.connect: a connection to a server is shared by every route of its pool; set connect in the pool's timeouts",
            "test.yaml:12:31: listeners[0].routes[1].timeouts.response: bad duration 'soon'; " + Duration.Hint,
            "test.yaml:12:37: listeners[0].routes[1].timeouts.idel: unknown key; did you mean 'idle'?",
            "test.yaml:13:19: listeners[0].routes[1].max-body: must be at least 1KB, got '10'",
            "test.yaml:15:19: listeners[0].routes[2].timeouts: applies only to a route that forwards (pool or split), not to redirect or respond",
            "test.yaml:16:19: listeners[0].routes[2].max-body: bad size 'lots'; write e.g. 100MB, 512KB, 1GB or a number of bytes",
        ], problems);
    }

    [Fact]
    public void Parse_ErrorPages_ReadWhenLoaded()
    {
        using var files = new TempFiles();
        var page = files.Write("502.html", "<h1>down</h1>");
        var config = LoadYaml.Valid(Listener($$"""
                  - pool: app
                    errors: { 502: {{page}}, 504: {{page}}, intercept: true }
            """));

        var errors = config.Listeners[0].Routes![0].Errors!;
        Assert.True(errors.Intercept);
        Assert.Equal([new ErrorPage(502, page, "<h1>down</h1>"), new ErrorPage(504, page, "<h1>down</h1>")], errors.Pages);
    }

    [Fact]
    public void Parse_BadErrorPages_EachNamedWithLineAndPath()
    {
        using var files = new TempFiles();
        var big = files.Write("big.html", new string('x', 64 * 1024 + 1));
        var missing = Path.Combine(files.Directory, "missing.html");
        var problems = LoadYaml.Problems(Listener($$"""
                  - pool: app
                    errors: { 302: a.html, oops: b.html, intercept: maybe }
                  - pool: app
                    errors: { 502: {{missing}} }
                  - pool: app
                    errors:
                      503: {{big}}
                  - respond: { body: ok }
                    errors: { intercept: true }
            """));

        Assert.Equal(
        [
            "test.yaml:10:19: listeners[0].routes[0].errors.302: expected a status code 400..599 or 'intercept', got '302'",
            "test.yaml:10:32: listeners[0].routes[0].errors.oops: expected a status code 400..599 or 'intercept', got 'oops'",
            "test.yaml:10:57: listeners[0].routes[0].errors.intercept: expected true or false, got 'maybe'",
            $"test.yaml:12:24: listeners[0].routes[1].errors.502: cannot read '{missing}': Could not find file '{missing}'.",
            $"test.yaml:15:16: listeners[0].routes[2].errors.503: cannot read '{big}': {big} is larger than 64 KB, the most Tandem reads for an error page",
            "test.yaml:17:30: listeners[0].routes[3].errors.intercept: applies only to a route that forwards (pool or split): a redirect or respond has no server answer to replace",
        ], problems);
    }

    [Fact]
    public void Parse_Compression_TrueOrSettings()
    {
        var config = LoadYaml.Valid(Listener("""
                  - pool: app
                    compression: true
                  - pool: app
                    compression: { types: [Application/JSON, "text/*"], level: optimal, min-size: 4KB }
                  - pool: app
                    compression: false
            """));

        var routes = config.Listeners[0].Routes!;
        Assert.Equal(new CompressionConfig(), routes[0].Compression);
        Assert.Equal(["application/json", "text/*"], routes[1].Compression!.Types);
        Assert.Equal(CompressionEffort.Optimal, routes[1].Compression!.Level);
        Assert.Equal(4096, routes[1].Compression!.MinSize);
        Assert.Null(routes[2].Compression);
    }

    [Fact]
    public void Parse_BadCompression_EachNamedWithLineAndPath()
    {
        var problems = LoadYaml.Problems(Listener("""
                  - pool: app
                    compression: yes
                  - pool: app
                    compression: { types: [json, "*/*"], level: max, min-size: big }
                  - redirect: { to: "https://{host}/" }
                    compression: true
            """));

        Assert.Equal(
        [
            "test.yaml:10:22: listeners[0].routes[0].compression: expected true, false or { types: [...], level: fastest|optimal, min-size: 1KB }",
            "test.yaml:12:32: listeners[0].routes[1].compression.types[0]: expected a media type such as application/json or text/*, got 'json'",
            "test.yaml:12:38: listeners[0].routes[1].compression.types[1]: expected a media type such as application/json or text/*, got '*/*'",
            "test.yaml:12:53: listeners[0].routes[1].compression.level: unknown level 'max'; expected fastest or optimal",
            "test.yaml:12:68: listeners[0].routes[1].compression.min-size: bad size 'big'; write e.g. 100MB, 512KB, 1GB or a number of bytes",
            "test.yaml:14:22: listeners[0].routes[2].compression: applies only to a route that forwards (pool or split), not to redirect or respond",
        ], problems);
    }

    [Fact]
    public void Parse_HeaderRouting_OnListenerAndRoute()
    {
        var config = LoadYaml.Valid(Pools + """
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                header-routing: { pool-header: X-Backend, server-header: X-Server-Pick, weight-header: X-Weight, from: [10.0.0.0/8] }
                routes:
                  - pool: app
                    header-routing: { pool-header: X-Pool, from: [192.168.0.0/16, 127.0.0.1] }
            """);

        var listener = config.Listeners[0];
        Assert.Equal(new HeaderRoutingConfig { PoolHeader = "X-Backend", ServerHeader = "X-Server-Pick", WeightHeader = "X-Weight", From = listener.HeaderRouting!.From },
            listener.HeaderRouting);
        Assert.Equal([System.Net.IPNetwork.Parse("10.0.0.0/8")], listener.HeaderRouting.From);
        var route = listener.Routes![0].HeaderRouting!;
        Assert.Equal("X-Pool", route.PoolHeader);
        Assert.Null(route.ServerHeader);
        Assert.Equal(2, route.From.Count);
    }

    [Fact]
    public void Parse_BadHeaderRouting_EachNamedWithLineAndPath()
    {

        var problems = LoadYaml.Problems(Listener("""
                  - pool: app
                    header-routing: { pool-header: "X Backend", from: [nonsense] }
                  - pool: app
                    header-routing: { server-header: X-Pick }
                  - pool: app
                    header-routing: { from: [10.0.0.0/8] }
                  - respond: { body: ok }
                    header-routing: { pool-header: X-Backend, from: [10.0.0.0/8] }
            """));

        Assert.Equal(
        [
            "test.yaml:10:40: listeners[0].routes[0].header-routing.pool-header: 'X Backend' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~)",
            "test.yaml:10:60: listeners[0].routes[0].header-routing.from[0]: bad CIDR 'nonsense'; expected an address with a prefix length such as 10.0.0.0/8 or 2001:db8::/32",
            "test.yaml:12:25: listeners[0].routes[1].header-routing: missing required key 'from'",
            "test.yaml:14:25: listeners[0].routes[2].header-routing: names no header; give pool-header, server-header or weight-header",
            "test.yaml:16:25: listeners[0].routes[3].header-routing: applies only to a route that forwards (pool or split), not to redirect or respond",
        ], problems);
    }

    [Fact]
    public void Parse_HeaderRoutingOnTcpListener_Refused()
    {
        var problems = LoadYaml.Problems(Pools + """
            listeners:
              - name: tcp
                bind: 127.0.0.1:9000
                protocol: tcp
                pool: app
                header-routing: { pool-header: X-Backend, from: [10.0.0.0/8] }
            """);

        Assert.Equal(["test.yaml:10:21: listeners[0].header-routing: applies only to protocol http"], problems);
    }

    /// <summary>A temporary directory of files, removed on dispose.</summary>
    private sealed class TempFiles : IDisposable
    {
        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("tandem-routes-").FullName;

        public string Write(string name, string content)
        {
            var path = Path.Combine(Directory, name);
            File.WriteAllText(path, content);
            return path;
        }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
