using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Observability.Admin;

/// <summary>
/// <c>GET /api/explain?pool=app&amp;client=203.0.113.7</c>: which server the pool would pick for such a request and
/// why. Headers and cookies for a <c>hash-key</c> come as <c>header.NAME=VALUE</c> and <c>cookie.NAME=VALUE</c>.
/// Rotations are not advanced; random choices are drawn afresh.
/// </summary>
internal static class PickExplainer
{
    public static IResult Explain(HttpRequest request, PoolRegistry pools)
    {
        var query = request.Query;
        var poolName = query["pool"].ToString();
        if (poolName.Length == 0)
        {
            return AdminEndpoints.Error(StatusCodes.Status400BadRequest,
                "query parameter 'pool' is required, e.g. /api/explain?pool=app&client=203.0.113.7 (or 'listener', host and path: which route serves a request)");
        }
        if (pools.Find(poolName) is not { } pool)
        {
            return AdminEndpoints.Error(StatusCodes.Status404NotFound, $"no pool named '{poolName}'");
        }
        IPAddress? client = null;
        var clientText = query["client"].ToString();
        if (clientText.Length > 0 && !IPAddress.TryParse(clientText, out client))
        {
            return AdminEndpoints.Error(StatusCodes.Status400BadRequest, $"client must be an IP address, got '{clientText}'");
        }
        client ??= request.HttpContext.Connection.RemoteIpAddress;

        var key = pool.Config.HashKey ?? HashKey.ClientAddress;
        string keySource = "client address";
        SelectionContext selection;
        if (pool.UsesHash)
        {
            var value = key.Source switch
            {
                HashKeySource.Header => query["header." + key.Name].ToString(),
                HashKeySource.Cookie => query["cookie." + key.Name].ToString(),
                _ => "",
            };
            if (value.Length > 0)
            {
                keySource = key.ToString();
                selection = new SelectionContext(client, ClientHash.Of(value));
            }
            else
            {
                keySource = key.Source == HashKeySource.ClientAddress ? "client address" : $"client address ({key} not given)";
                selection = new SelectionContext(client, ClientHash.Of(client));
            }
        }
        else
        {
            selection = new SelectionContext(client);
        }

        var explanation = pool.Selector.Explain(in selection);
        var now = pool.Context.Time.GetTimestamp();
        var servers = new List<ExplainServerView>(pool.Servers.Count);
        foreach (var server in pool.Servers)
        {
            servers.Add(new ExplainServerView(server.Name, server.StateName, server.Config.Backup, server.Weight, server.EffectiveWeight,
                server.InFlight, Math.Round(server.Latency.Seconds(now) * 1000, 3)));
        }
        var view = new ExplainView(pool.Name, pool.Config.Algorithm, client?.ToString(), pool.UsesHash ? keySource : null,
            explanation.Server?.Name, explanation.Rule, explanation.Facts, servers);
        return Results.Json(view, AdminJsonContext.Relaxed.ExplainView);
    }
}

/// <summary>The answer of <c>/api/explain</c>.</summary>
internal sealed record ExplainView(
    string Pool,
    string Algorithm,
    string? Client,
    string? HashKey,
    string? Server,
    string Rule,
    IReadOnlyDictionary<string, string> Facts,
    IReadOnlyList<ExplainServerView> Servers);

/// <summary>The inputs of a pick, per server.</summary>
internal sealed record ExplainServerView(string Name, string State, bool Backup, int Weight, double EffectiveWeight, long InFlight, double LatencyMs);
