using System.Globalization;
using System.Text;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;
using Xunit.Abstractions;

namespace Tandem.Proxy.Tests.Routing;

/// <summary>
/// Tandem's routes against real nginx: generated configs (exact and wildcard hosts, a default server, exact paths and
/// prefixes) written once as nginx <c>server</c>/<c>location</c> blocks and once as Tandem routes in nginx's order of
/// precedence, the same backends behind both, and generated requests with awkward hosts (case, port, trailing dot) and
/// paths (<c>//</c>, <c>/./</c>, <c>/x/../</c>, percent-encodings, long segments) sent as raw bytes to both. Each
/// request must reach the same backend through both, except in the cases listed in <see cref="KnownDifference"/>,
/// where the two must differ by design; those are counted and printed, never silently accepted.
/// </summary>
public sealed class NginxDifferentialTests(ITestOutputHelper output)
{
    private const int Configs = 12;
    private const int RequestsPerConfig = 250;
    private const int Backends = 6;

    private static readonly string[] Segments = ["api", "admin", "v1", "static", "img", "a", "ab", "video", "srt", "users", new string('l', 120)];
    private static readonly string[] ExactHosts = ["a.test", "shop.test"];
    private static readonly string[] WildcardHosts = ["*.w.test", "*.deep.w.test"];
    private static readonly string[] RequestHosts =
        ["a.test", "A.Test", "a.test:8080", "a.test.", "SHOP.TEST.", "shop.test:1", "x.w.test", "X.Deep.W.Test", "y.deep.w.test:80",
         "w.test", "deep.w.test", "other.test", "a.test.evil", "127.0.0.1"];

    [RequiresFact(NginxServer.Tool)]
    public async Task Routes_GeneratedConfigsAndRequests_PickTheSameUpstreamAsNginx()
    {
        Requirements.Check([NginxServer.Tool]);
        var backends = new TestBackend[Backends];
        for (var i = 0; i < Backends; i++)
        {
            backends[i] = await TestBackend.StartAsync("b" + i.ToString(CultureInfo.InvariantCulture), anyPath: true);
        }
        try
        {
            var compared = 0;
            var known = new Dictionary<string, int>(StringComparer.Ordinal);
            var unexplained = new List<string>();
            for (var c = 0; c < Configs; c++)
            {
                var random = new Random(7919 * (c + 1));
                var groups = GenerateGroups(random);
                await using var nginx = await NginxServer.StartAsync(NginxHttpBlock(groups, backends));
                await using var tandem = await ProxyHarness.StartAsync(TandemConfigFor(groups, backends));
                for (var r = 0; r < RequestsPerConfig; r++)
                {
                    var (host, path) = GenerateRequest(random, groups);
                    var request = RawHttp.Bytes($"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
                    var viaNginx = Answer(await RawHttp.ExchangeAsync(nginx.BaseAddress, request));
                    var viaTandem = Answer(await RawHttp.ExchangeAsync(tandem.BaseAddress, request));
                    compared++;
                    if (viaNginx == viaTandem && viaNginx != "unreadable")
                    {
                        continue;
                    }
                    var why = KnownDifference(path);
                    if (why is null)
                    {
                        unexplained.Add($"config {c}: Host: {host}, {path}: nginx {viaNginx}, tandem {viaTandem}");
                    }
                    else
                    {
                        known[why] = known.GetValueOrDefault(why) + 1;
                    }
                }
            }
            output.WriteLine($"{compared} requests over {Configs} configs; same upstream: {compared - unexplained.Count - Sum(known)}");
            foreach (var (why, count) in known)
            {
                output.WriteLine($"differ by design ({count}): {why}");
            }
            Assert.True(unexplained.Count == 0, $"{unexplained.Count} requests reached another upstream through Tandem than through nginx:\n" +
                string.Join('\n', unexplained.Take(20)));
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    /// <summary>The cases where the two differ by design, each shown once with the upstream (or status) each picks.</summary>
    [RequiresFact(NginxServer.Tool)]
    public async Task Routes_KnownDifferences_AreTheDocumentedOnes()
    {
        Requirements.Check([NginxServer.Tool]);
        var backends = new TestBackend[3];
        for (var i = 0; i < backends.Length; i++)
        {
            backends[i] = await TestBackend.StartAsync("b" + i.ToString(CultureInfo.InvariantCulture), anyPath: true);
        }
        try
        {
            List<Group> groups = [new Group([], [new Location("/a", Exact: false, 1), new Location("/b", Exact: false, 2), new Location("/", Exact: false, 0)])];
            await using var nginx = await NginxServer.StartAsync(NginxHttpBlock(groups, backends));
            await using var tandem = await ProxyHarness.StartAsync(TandemConfigFor(groups, backends));
            (string Path, string Nginx, string Tandem)[] cases =
            [
                ("/a//../b", "b2", "b1"), // nginx merges "//" first: /b; Kestrel's ".." removes the empty segment: /a/b
                ("/a%2Fb", "b1", "b0"),   // nginx decodes %2F into a separator: /a/b; Kestrel keeps it: "/a%2Fb" is not under /a
                ("/../a", "status 400", "b1"), // nginx refuses ".." above the root; Kestrel stops at the root: /a
                ("/a/%zz", "status 400", "b1"), // nginx refuses a malformed escape; Kestrel keeps the characters
            ];
            foreach (var (path, expectedNginx, expectedTandem) in cases)
            {
                var request = RawHttp.Bytes($"GET {path} HTTP/1.1\r\nHost: x.test\r\nConnection: close\r\n\r\n");
                var viaNginx = Answer(await RawHttp.ExchangeAsync(nginx.BaseAddress, request));
                var viaTandem = Answer(await RawHttp.ExchangeAsync(tandem.BaseAddress, request));
                output.WriteLine($"{path}: nginx {viaNginx}, tandem {viaTandem}");
                Assert.Equal((expectedNginx, expectedTandem), (viaNginx, viaTandem));
            }
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Why nginx and Tandem may pick different upstreams for <paramref name="path"/>, or null when they must agree.
    /// Both decode percent-encodings, resolve dot segments and merge slashes before matching; they differ in the order.
    /// </summary>
    private static string? KnownDifference(string path)
    {
        // Kestrel resolves dot segments on the path as sent, where "//" is an empty segment a following ".." removes;
        // nginx merges the slashes first. "/a//../b": nginx matches "/b", Tandem "/a/b" (and forwards "/a/b", so what
        // is matched is what the server gets).
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && (i + 2 >= path.Length || !char.IsAsciiHexDigit(path[i + 1]) || !char.IsAsciiHexDigit(path[i + 2])))
            {
                return "a malformed percent-encoding: nginx answers 400, Kestrel keeps the characters as they are";
            }
        }
        var decoded = Uri.UnescapeDataString(path);
        if (decoded.Contains("//", StringComparison.Ordinal) && (decoded.Contains("/../", StringComparison.Ordinal) || decoded.EndsWith("/..", StringComparison.Ordinal)))
        {
            return "an empty segment (\"//\") before \"..\": Kestrel's dot-segment removal counts it, nginx merges it first";
        }
        return null;
    }

    private static int Sum(Dictionary<string, int> counts)
    {
        var sum = 0;
        foreach (var count in counts.Values)
        {
            sum += count;
        }
        return sum;
    }

    /// <summary>The backend that answered ("b3"), or the status when no backend did.</summary>
    private static string Answer(string response)
    {
        var status = RawHttp.StatusOf(response);
        if (status != 200)
        {
            return "status " + status.ToString(CultureInfo.InvariantCulture);
        }
        // The backend's body, whole or chunked ("9\r\nb5 /x\r\n0\r\n\r\n").
        var head = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (head < 0)
        {
            return "unreadable";
        }
        var start = head + 4;
        if (response.AsSpan(0, head).Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            start = response.IndexOf("\r\n", start, StringComparison.Ordinal) + 2;
        }
        // "bN PATH" from the fallback, "bN" alone for "/".
        var end = start;
        while (end < response.Length && char.IsAsciiLetterOrDigit(response[end]))
        {
            end++;
        }
        return start < head || end == start || response[start] != 'b' ? "unreadable" : response[start..end];
    }

    /// <summary>A server block: its host names (none: the default server) and its locations, each ending with "/".</summary>
    private sealed record Group(string[] Hosts, List<Location> Locations);

    /// <summary>A location: an exact path or a prefix (on segment boundaries), and the backend it sends to.</summary>
    private sealed record Location(string Path, bool Exact, int Backend);

    private static List<Group> GenerateGroups(Random random)
    {
        var groups = new List<Group>();
        foreach (var host in ExactHosts)
        {
            if (random.Next(3) > 0)
            {
                groups.Add(new Group([host], GenerateLocations(random)));
            }
        }
        // nginx prefers the longest wildcard: the longer one comes first in Tandem's order.
        foreach (var host in WildcardHosts.OrderByDescending(h => h.Length))
        {
            if (random.Next(3) > 0)
            {
                groups.Add(new Group([host], GenerateLocations(random)));
            }
        }
        groups.Add(new Group([], GenerateLocations(random)));
        return groups;
    }

    private static List<Location> GenerateLocations(Random random)
    {
        var exact = new List<Location>();
        var prefixes = new List<Location>();
        var count = random.Next(2, 8);
        for (var i = 0; i < count; i++)
        {
            var path = RandomPath(random, random.Next(1, 4));
            if (exact.Exists(l => l.Path == path) || prefixes.Exists(l => l.Path == path))
            {
                continue;
            }
            (random.Next(3) == 0 ? exact : prefixes).Add(new Location(path, Exact: false, random.Next(Backends)));
        }
        // Locations are kept apart by kind; a prefix also becomes nginx's "= /p", so an exact location may not repeat it.
        var locations = new List<Location>();
        foreach (var location in exact)
        {
            locations.Add(location with { Exact = true });
        }
        foreach (var location in prefixes.OrderByDescending(l => l.Path.Length))
        {
            locations.Add(location with { Exact = false });
        }
        locations.Add(new Location("/", Exact: false, random.Next(Backends)));
        return locations;
    }

    private static string RandomPath(Random random, int segments)
    {
        var path = new StringBuilder();
        for (var i = 0; i < segments; i++)
        {
            path.Append('/').Append(Segments[random.Next(Segments.Length)]);
        }
        return path.ToString();
    }

    private static string NginxHttpBlock(List<Group> groups, TestBackend[] backends)
    {
        var http = new StringBuilder();
        for (var i = 0; i < backends.Length; i++)
        {
            http.Append(CultureInfo.InvariantCulture, $"upstream b{i} {{ server 127.0.0.1:{backends[i].Port}; }}\n");
        }
        foreach (var group in groups)
        {
            http.Append(group.Hosts.Length == 0 ? "server { listen 127.0.0.1:{port} default_server; server_name _;\n" : $"server {{ listen 127.0.0.1:{{port}}; server_name {string.Join(' ', group.Hosts)};\n");
            foreach (var location in group.Locations)
            {
                var pass = $"{{ proxy_pass http://b{location.Backend}; }}\n";
                if (location.Exact)
                {
                    http.Append("  location = ").Append(location.Path).Append(' ').Append(pass);
                }
                else if (location.Path == "/")
                {
                    http.Append("  location / ").Append(pass);
                }
                else
                {
                    // Tandem's prefix ends on a segment boundary: nginx's "= /p" and "^~ /p/" (^~: no regex may override it).
                    if (!group.Locations.Exists(l => l.Exact && l.Path == location.Path))
                    {
                        http.Append("  location = ").Append(location.Path).Append(' ').Append(pass);
                    }
                    http.Append("  location ^~ ").Append(location.Path).Append("/ ").Append(pass);
                }
            }
            http.Append("}\n");
        }
        return http.ToString();
    }

    private static TandemConfig TandemConfigFor(List<Group> groups, TestBackend[] backends)
    {
        var routes = new List<RouteConfig>();
        foreach (var group in groups)
        {
            foreach (var location in group.Locations)
            {
                var match = new RouteMatch
                {
                    Hosts = group.Hosts.Length == 0 ? null : group.Hosts,
                    PathExact = location.Exact ? location.Path : null,
                    PathPrefix = !location.Exact && location.Path != "/" ? location.Path : null,
                };
                routes.Add(new RouteConfig { Name = "r" + routes.Count.ToString(CultureInfo.InvariantCulture), Pool = "b" + location.Backend.ToString(CultureInfo.InvariantCulture), Match = match });
            }
        }
        var pools = new PoolConfig[backends.Length];
        for (var i = 0; i < backends.Length; i++)
        {
            pools[i] = new PoolConfig { Name = "b" + i.ToString(CultureInfo.InvariantCulture), Algorithm = BalancingAlgorithms.RoundRobin, Servers = [backends[i].ServerConfig()] };
        }
        return new TandemConfig
        {
            Listeners = [new ListenerConfig { Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "b0", Routes = routes, HasDefaultPool = false }],
            Pools = pools,
            Version = "test",
        };
    }

    /// <summary>A request host and raw request-target: a configured path (or a random one), mutated the ways paths are mutated in attacks.</summary>
    private static (string Host, string Path) GenerateRequest(Random random, List<Group> groups)
    {
        var host = RequestHosts[random.Next(RequestHosts.Length)];
        var group = groups[random.Next(groups.Count)];
        var location = group.Locations[random.Next(group.Locations.Count)];
        var path = random.Next(4) == 0 ? RandomPath(random, random.Next(1, 4)) : location.Path;
        switch (random.Next(4))
        {
            case 0:
                path += "/" + Segments[random.Next(Segments.Length)];
                break;
            case 1:
                path += "/";
                break;
            case 2:
                path += "x";
                break;
        }
        var mutations = random.Next(0, 4);
        for (var i = 0; i < mutations; i++)
        {
            path = Mutate(random, path);
        }
        return (host, path);
    }

    private static string Mutate(Random random, string path)
    {
        var slashes = new List<int>();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '/')
            {
                slashes.Add(i);
            }
        }
        var at = slashes[random.Next(slashes.Count)];
        switch (random.Next(6))
        {
            case 0:
                return path.Insert(at, "/");
            case 1:
                return path.Insert(at, "/.");
            case 2:
                return path.Insert(at, "/zz/..");
            case 3:
                // Percent-encode one letter (an unreserved character), in either case of hex digit.
                for (var tries = 0; tries < 8; tries++)
                {
                    var i = random.Next(path.Length);
                    if (char.IsAsciiLetterLower(path[i]) && (i < 1 || path[i - 1] != '%') && (i < 2 || path[i - 2] != '%'))
                    {
                        var hex = ((int)path[i]).ToString(random.Next(2) == 0 ? "x2" : "X2", CultureInfo.InvariantCulture);
                        return path[..i] + "%" + hex + path[(i + 1)..];
                    }
                }
                return path;
            case 4:
                return path.Insert(at, "/%2e");
            default:
                return "/" + path;
        }
    }
}
