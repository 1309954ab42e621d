using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tandem.Observability.Alerts;

/// <summary><c>GET /api/alerts</c>: firing and pending alerts and the last 50 transitions.</summary>
public static class AlertEndpoints
{
    public static IEndpointRouteBuilder MapTandemAlerts(this IEndpointRouteBuilder endpoints, AlertEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        endpoints.MapGet("/api/alerts", () => Results.Json(engine.View(), AlertJsonContext.Default.AlertsView));
        return endpoints;
    }
}
