using Tandem.Core.Telemetry;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The series of one route of one listener (<c>tandem_route_requests_total</c>, <c>tandem_route_request_duration_seconds</c>),
/// resolved when the route is compiled. A status class's counter is created on its first use. The children are
/// shared by every generation of the route (<see cref="RouteCounters"/>), which the dashboard's per-route rates read once a tick.
/// Concurrency: any request thread; lazy creation races are harmless (the registry returns the same child).
/// </summary>
internal sealed class RouteTelemetry(TandemMetrics metrics, string listener, string route) : IRouteTelemetry
{
    private readonly RouteCounters _counters = metrics.RouteCounters(listener, route);

    public void RequestCompleted(int status, double seconds)
    {
        var index = Math.Clamp(status / 100, 1, 5) - 1;
        var counter = _counters.ByClass[index] ??= metrics.RouteRequestCounter(listener, route, ServerTelemetry.CodeLabels[index]);
        counter.Inc();
        _counters.Duration.Observe(seconds);
    }
}
