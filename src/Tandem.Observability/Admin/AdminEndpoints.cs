using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Observability.Dashboard;
using Tandem.Observability.Live;
using Tandem.Observability.Metrics;

namespace Tandem.Observability.Admin;

/// <summary>The admin listener's routes: the dashboard at <c>/</c>, the JSON API under <c>/api</c>, Prometheus at <c>/metrics</c>.</summary>
public static class AdminEndpoints
{
    private static readonly string ProductVersion =
        typeof(AdminEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <param name="endpoints">The admin app.</param>
    /// <param name="pools">The running pools.</param>
    /// <param name="metrics">The node's metrics.</param>
    /// <param name="status">What the node runs.</param>
    /// <param name="changes">Told about every server change made through the API (the pair replicates them); none when null.</param>
    /// <param name="policies">The access policies in force (<c>/api/policies</c>); the endpoint answers an empty list when null.</param>
    /// <param name="routes">
    /// Explains which route of an http listener serves a request and whether its policies let it through
    /// (<c>/api/explain?listener=...</c>), null for an unknown listener; when null, every listener is unknown.
    /// </param>
    /// <param name="connections">Explains whether a tcp, udp or tls-passthrough listener would admit a connection from an address; null for other listeners.</param>
    public static IEndpointRouteBuilder MapTandemAdmin(this IEndpointRouteBuilder endpoints, PoolRegistry pools, TandemMetrics metrics, NodeStatus status,
        OperatorChanges? changes = null, Func<PoliciesReport>? policies = null, Func<RouteQuery, Task<RouteExplanation?>>? routes = null,
        Func<string, System.Net.IPAddress?, Task<ConnectionExplanation?>>? connections = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(status);

        endpoints.MapGet("/api/pools", () => Json(ListPools(pools), AdminJsonContext.Relaxed.IReadOnlyListPoolView));

        endpoints.MapGet("/api/pools/{pool}", (string pool) =>
            pools.Find(pool) is { } found
                ? Json(PoolView.From(found), AdminJsonContext.Relaxed.PoolView)
                : Error(StatusCodes.Status404NotFound, $"no pool named '{pool}'"));

        endpoints.MapGet("/api/pools/{pool}/sticky", (string pool, int? limit) =>
            pools.Find(pool) is not { } found ? Error(StatusCodes.Status404NotFound, $"no pool named '{pool}'")
            : limit is < 0 or > 10_000 ? Error(StatusCodes.Status400BadRequest, "limit must be 0..10000")
            : StickyView.From(found, limit ?? 100) is { } view ? Json(view, AdminJsonContext.Relaxed.StickyView)
            : Error(StatusCodes.Status404NotFound, $"pool '{pool}' has no sticky section"));

        endpoints.MapDelete("/api/pools/{pool}/sticky", (string pool) =>
            pools.Find(pool) is not { } found ? Error(StatusCodes.Status404NotFound, $"no pool named '{pool}'")
            : found.StickyTable is { } table ? Json(new StickyCleared(table.Clear()), AdminJsonContext.Relaxed.StickyCleared)
            : Error(StatusCodes.Status404NotFound, $"pool '{pool}' has no sticky table (sticky mode table)"));

        endpoints.MapPost("/api/pools/{pool}/servers/{server}", async (string pool, string server, HttpRequest request) =>
        {
            if (pools.Find(pool) is not { } poolState)
            {
                return Error(StatusCodes.Status404NotFound, $"no pool named '{pool}'");
            }
            if (poolState.FindServer(server) is not { } serverState)
            {
                return Error(StatusCodes.Status404NotFound, $"pool '{pool}' has no server named '{server}'");
            }
            JsonElement body;
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
                body = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                return Error(StatusCodes.Status400BadRequest, "body is not valid JSON: " + ex.Message);
            }
            if (!ServerUpdate.TryParse(body, out var update, out var error))
            {
                return Error(StatusCodes.Status400BadRequest, error);
            }
            update.ApplyTo(poolState, serverState);
            changes?.Report(new OperatorChange(poolState.Name, serverState.Name, update.HasWeight, update.Weight, update.State));
            return Json(ServerView.From(serverState), AdminJsonContext.Relaxed.ServerView);
        });

        endpoints.MapGet("/api/policies", () =>
            Json(policies?.Invoke() ?? new PoliciesReport("allow", [], 0), AdminJsonContext.Relaxed.PoliciesReport));

        // ?listener=: which route serves a request; ?pool=: which server the pool picks.
        endpoints.MapGet("/api/explain", (HttpRequest request) =>
            request.Query.ContainsKey("listener") ? RouteExplainEndpoint.ExplainAsync(request, routes, connections) : Task.FromResult(PickExplainer.Explain(request, pools)));

        endpoints.MapGet("/api/status", () => Json(StatusOf(status), AdminJsonContext.Relaxed.StatusView));

        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));

        endpoints.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });

        endpoints.MapTandemLive(pools, metrics.Live, status);

        endpoints.MapGet("/", (HttpContext context) => DashboardFiles.Serve(context, "index.html"));
        endpoints.MapGet("/dashboard/{**file}", (HttpContext context, string file) => DashboardFiles.Serve(context, file));
        return endpoints;
    }

    private static bool Caches(Core.Config.TandemConfig? config)
    {
        foreach (var listener in config?.Listeners ?? [])
        {
            foreach (var route in listener.Routes ?? [])
            {
                if (route.Cache is not null)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<PoolView> ListPools(PoolRegistry pools)
    {
        var views = new List<PoolView>();
        foreach (var pool in pools.Pools.Values)
        {
            views.Add(PoolView.From(pool));
        }
        views.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return views;
    }

    private static StatusView StatusOf(NodeStatus status)
    {
        var listeners = new List<ListenerView>();
        foreach (var l in status.Listeners)
        {
            listeners.Add(new ListenerView(l.Name, l.Pool, l.Bound));
        }
        var config = status.Config is { } c ? new ConfigView(c.Source, c.Version) : null;
        var reload = status.LastReload is { } r ? new ReloadView(r.At, r.Version, r.Applied, r.Problems) : null;
        var features = new FeaturesView(status.Config?.Pair is not null, status.Config?.Forecast is not null, Caches(status.Config));
        return new StatusView(ProductVersion, status.StartedAt, Math.Round(status.Uptime.TotalSeconds, 1), config, reload, listeners, features);
    }

    private static IResult Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => Results.Json(value, type);

    internal static IResult Error(int status, string message) =>
        Results.Json(new ErrorView(message), AdminJsonContext.Relaxed.ErrorView, statusCode: status);
}
