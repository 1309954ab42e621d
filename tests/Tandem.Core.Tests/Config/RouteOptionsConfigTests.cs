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
}
