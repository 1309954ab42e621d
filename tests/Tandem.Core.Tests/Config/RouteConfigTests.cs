using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

/// <summary>The listener key <c>routes</c>: what binds, and what each mistake says.</summary>
public sealed class RouteConfigTests
{
    private const string Pools = """
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001
          - name: v2
            servers:
              - address: 127.0.0.1:9002

        """;

    private static string Listener(string routes) => Pools + """
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            routes:

        """ + routes;

    [Fact]
    public void Parse_EveryMatchKindAndAction_Bound()
    {
        // The route names a policy, which must be defined.
        var config = LoadYaml.Valid("policies:\n  - name: staff\n    allow: [10.0.0.0/8]\n" + Listener("""
                  - name: api
                    match:
                      host: [API.Example.com., "*.example.org"]
                      path: /api/
                      methods: [get, POST]
                      headers: { X-Env: canary, User-Agent: { regex: "Mobile" }, X-Debug: { present: true } }
                      query: { v: "2" }
                    pool: app
                    policy: staff
                    retries: 2
                    rewrite: { strip-prefix: /api, add-prefix: /v1, host: internal.example }
                    request-headers: { set: { X-Real-IP: "{client.ip}" }, add: { X-Via: "tandem {server.name}" }, remove: [X-Secret] }
                    response-headers: { set: { X-Route: api } }
                  - match: { path-regex: "^/old/(.*)$" }
                    redirect: { to: "https://{host}{uri}", status: 301 }
                  - match: { path-exact: /healthz }
                    respond: { status: 200, body: ok }
                  - split: [ { pool: app, weight: 95 }, { pool: v2, weight: 5 } ]
                    split-key: cookie:session
            """));

        var listener = config.Listeners[0];
        Assert.Equal("app", listener.Pool);
        Assert.False(listener.HasDefaultPool);
        var routes = listener.Routes!;
        Assert.Equal(["api", "route-2", "route-3", "route-4"], routes.Select(r => r.Name));
        var api = routes[0];
        Assert.Equal(["api.example.com", "*.example.org"], api.Match!.Hosts!);
        Assert.Equal("/api", api.Match.PathPrefix);
        Assert.Equal(["GET", "POST"], api.Match.Methods!);
        Assert.Equal([new NamedValueMatch("X-Env", "canary", null), new NamedValueMatch("User-Agent", null, "Mobile"), new NamedValueMatch("X-Debug", null, null)],
            api.Match.Headers!);
        Assert.Equal([new NamedValueMatch("v", "2", null)], api.Match.Query!);
        Assert.Equal(["staff"], api.Policies!);
        Assert.Equal(2, api.Retries);
        Assert.Equal(new RewriteConfig { StripPrefix = "/api", AddPrefix = "/v1", Host = "internal.example" }, api.Rewrite);
        Assert.Equal([new KeyValuePair<string, string>("X-Real-IP", "{client.ip}")], api.RequestHeaders!.Set);
        Assert.Equal(["X-Secret"], api.RequestHeaders.Remove);
        Assert.Equal(new RedirectConfig { To = "https://{host}{uri}", Status = 301 }, routes[1].Redirect);
        Assert.Equal(new RespondConfig { Status = 200, Body = "ok" }, routes[2].Respond);
        Assert.Equal([new SplitTarget("app", 95), new SplitTarget("v2", 5)], routes[3].Split!);
        Assert.Equal(new HashKey(HashKeySource.Cookie, "session"), routes[3].SplitKey);
    }

    [Fact]
    public void Parse_ListenerWithOnlyPool_HasNoRoutes()
    {
        var config = LoadYaml.Valid(Pools + """
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            """);

        Assert.Null(config.Listeners[0].Routes);
        Assert.True(config.Listeners[0].HasDefaultPool);
    }

    [Fact]
    public void Parse_BadRoutes_EachProblemNamedWithLineAndPath()
    {
        var problems = LoadYaml.Problems(Listener("""
                  - match: { path: api }
                    pool: nope
                  - pool: app
                    respond: { status: 200 }
                  - match: { path-regex: "(" }
                    split: [ { pool: app, weight: 0 } ]
                  - match: { host: "example.com:8080", headers: { X-A: { regex: "[" } } }
                    redirect: { to: "https://{hots}/", status: 200 }
                  - match: { methods: ["GE T"] }
                  - respond: { body: a, body-file: /nonexistent }
                    rewrite: { strip-prefix: /x }
                  - pool: app
                    split-key: ip
                    request-headers: { set: { X-Who: "{user}" } }
                    rewrite: { path-regex: "^/a" }
            """));

        Assert.Equal(
        [
            "test.yaml:12:24: listeners[0].routes[0].match.path: must be a path starting with '/' (no spaces, query or fragment), got 'api'",
            "test.yaml:13:15: listeners[0].routes[0].pool: unknown pool 'nope'; defined pools: app, v2",
            "test.yaml:15:18: listeners[0].routes[1].respond: a route does exactly one of pool, split, redirect or respond; remove the others",
            "test.yaml:16:30: listeners[0].routes[2].match.path-regex: bad regular expression '(': Invalid pattern '(' at offset 1. Not enough )'s.",
            "test.yaml:17:16: listeners[0].routes[2].split: every weight is 0: the route could serve no request",
            "test.yaml:18:24: listeners[0].routes[3].match.host: expected a host name such as api.example.com or *.example.com (no port, no scheme), got 'example.com:8080'",
            "test.yaml:18:69: listeners[0].routes[3].match.headers.X-A.regex: bad regular expression '[': Invalid pattern '[' at offset 1. Unterminated [] set.",
            "test.yaml:19:25: listeners[0].routes[3].redirect.to: unknown placeholder '{hots}'; expected one of {scheme}, {host}, {path}, {query}, {uri}, {client.ip}, {request.id}",
            "test.yaml:19:52: listeners[0].routes[3].redirect.status: expected 301, 302, 303, 307 or 308, got 200",
            "test.yaml:20:9: listeners[0].routes[4]: needs one of pool, split, redirect or respond",
            "test.yaml:20:28: listeners[0].routes[4].match.methods[0]: 'GE T' is not a valid method (letters, digits and !#$%&'*+-.^_`|~)",
            "test.yaml:21:40: listeners[0].routes[5].respond.body-file: give body or body-file, not both",
            "test.yaml:22:18: listeners[0].routes[5].rewrite: applies only to a route that forwards (pool or split), not to redirect or respond",
            "test.yaml:24:20: listeners[0].routes[6].split-key: applies only to a route with split",
            "test.yaml:25:42: listeners[0].routes[6].request-headers.set.X-Who: unknown placeholder '{user}'; expected one of {client.ip}, {host}, {scheme}, {request.id}, {server.name}",
            "test.yaml:26:18: listeners[0].routes[6].rewrite: path-regex and replace go together; missing 'replace'",
        ], problems);
    }

    [Fact]
    public void Parse_RoutesAfterACatchAll_WarnedButLoaded()
    {
        var result = ConfigLoader.Parse(Listener("""
                  - name: api
                    match: { path: /api }
                    pool: app
                  - name: api-v1
                    match: { path: /api/v1, methods: [GET] }
                    pool: v2
                  - name: everything
                    pool: app
                  - name: late
                    match: { host: example.com }
                    pool: v2
            """), LoadYaml.File);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(
        [
            "test.yaml:15:9: listeners[0].routes[1]: route 'api-v1' can never match: route 'api' (line 12) takes every request it would",
            "test.yaml:20:9: listeners[0].routes[3]: route 'late' can never match: route 'everything' (line 18) takes every request it would",
        ], result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Parse_RoutesWithoutPoolAndEmpty_Refused()
    {
        var problems = LoadYaml.Problems(Listener("            []\n"));

        Assert.Equal(["test.yaml:12:13: listeners[0].routes: must list at least one route"], problems);
    }

    [Fact]
    public void Parse_DuplicateRouteNames_Refused()
    {
        var problems = LoadYaml.Problems(Listener("""
                  - name: a
                    pool: app
                  - name: a
                    pool: v2
            """));

        Assert.Equal(["test.yaml:14:15: listeners[0].routes[1].name: duplicate route name 'a' (first defined at line 12)"], problems);
    }
}
