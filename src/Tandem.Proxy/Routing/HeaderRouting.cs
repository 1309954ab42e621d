using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Primitives;
using Tandem.Core.Balancing;
using Tandem.Core.Pools;
using Tandem.Proxy.Admission.Policies;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Routing;

/// <summary>
/// <c>header-routing</c> of one route (its own or its listener's), compiled once per config: a trusted caller's
/// pool header switches the request to a copy of the route that forwards to the named pool (one copy per pool, built
/// here), its server header names the server to try first, and its weight header scales the servers' weights for a
/// draw of that server. The headers are removed whoever sent them; a caller outside <c>from</c> is not obeyed;
/// unknown names change nothing. A request without any of the headers pays three header reads. Immutable.
/// </summary>
internal sealed class HeaderRouting
{
    /// <summary>The most servers a weight header is applied over (more: the header is ignored).</summary>
    private const int MaxServers = 256;

    private readonly string? _poolHeader;
    private readonly string? _serverHeader;
    private readonly string? _weightHeader;
    private readonly IPNetwork[] _from;
    private readonly ClientAddressResolver _addresses;
    private readonly IRandomSource _random;
    private FrozenDictionary<string, Route> _byPool = FrozenDictionary<string, Route>.Empty;

    public HeaderRouting(Core.Config.HeaderRoutingConfig config, ClientAddressResolver addresses, IRandomSource random)
    {
        Config = config;
        _poolHeader = config.PoolHeader;
        _serverHeader = config.ServerHeader;
        _weightHeader = config.WeightHeader;
        _from = [.. config.From];
        _addresses = addresses;
        _random = random;
    }

    /// <summary>What the config says (for explanations).</summary>
    public Core.Config.HeaderRoutingConfig Config { get; }

    /// <summary>The copies of the route, one per pool a caller may name.</summary>
    public IEnumerable<Route> Alternates => _byPool.Values;

    /// <summary>Sets the copies of the route per pool (before the route serves requests).</summary>
    public void SetAlternates(IReadOnlyDictionary<string, Route> byPool) => _byPool = byPool.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The route that serves the request (<paramref name="route"/> or its copy for the named pool); sets the picked server.</summary>
    public Route Apply(RequestState state, Route route)
    {
        var headers = state.Http.Request.Headers;
        var pool = Take(headers, _poolHeader);
        var server = Take(headers, _serverHeader);
        var weights = Take(headers, _weightHeader);
        if (pool.Count == 0 && server.Count == 0 && weights.Count == 0)
        {
            return route;
        }
        var client = state.ClientAddress ??= _addresses.Resolve(state.Http);
        if (!ClientAddressResolver.Contains(_from, client))
        {
            return route;
        }
        if (pool.Count == 1 && _byPool.TryGetValue(pool[0]!, out var named))
        {
            route = named;
        }
        var target = route.Target!.Pool;
        if (server.Count == 1 && target.FindServer(server[0]!) is { } picked)
        {
            state.PickedServer = picked;
        }
        else if (weights.Count == 1)
        {
            state.PickedServer = Draw(target, weights[0]!);
        }
        return route;
    }

    private static StringValues Take(Microsoft.AspNetCore.Http.IHeaderDictionary headers, string? name)
    {
        if (name is null || !headers.TryGetValue(name, out var value))
        {
            return default;
        }
        headers.Remove(name);
        return value;
    }

    /// <summary>
    /// A usable server drawn with probability weight x factor / total, the factors read from <paramref name="header"/>
    /// (<c>a=3, b=0.5</c>; a server not named keeps 1, a backup not named is left out). Null when nothing is left.
    /// </summary>
    private ServerState? Draw(PoolState pool, string header)
    {
        var servers = pool.Servers;
        if (servers.Count > MaxServers)
        {
            return null;
        }
        Span<double> weights = stackalloc double[servers.Count];
        double total = 0;
        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            var factor = Factor(header, server.Name);
            weights[i] = server.IsUsable && (factor is not null || !server.Config.Backup) ? server.Weight * (factor ?? 1) : 0;
            total += weights[i];
        }
        if (total <= 0)
        {
            return null;
        }
        var draw = _random.NextInt(1 << 30) / (double)(1 << 30) * total;
        for (var i = 0; i < servers.Count; i++)
        {
            draw -= weights[i];
            if (draw < 0 && weights[i] > 0)
            {
                return servers[i];
            }
        }
        return null;
    }

    /// <summary>The factor <paramref name="header"/> gives <paramref name="name"/> (0..100); null when it names it not (or badly).</summary>
    private static double? Factor(string header, string name)
    {
        var rest = header.AsSpan();
        while (!rest.IsEmpty)
        {
            var comma = rest.IndexOf(',');
            var item = (comma < 0 ? rest : rest[..comma]).Trim();
            rest = comma < 0 ? default : rest[(comma + 1)..];
            var equals = item.IndexOf('=');
            if (equals > 0 && item[..equals].Trim().SequenceEqual(name)
                && double.TryParse(item[(equals + 1)..].Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var factor))
            {
                return Math.Clamp(factor, 0, 100);
            }
        }
        return null;
    }
}
