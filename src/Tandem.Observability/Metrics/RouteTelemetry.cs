using Prometheus;
using Tandem.Core.Telemetry;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The series of one route of one listener (<c>tandem_route_requests_total</c>, <c>tandem_route_request_duration_seconds</c>),
/// resolved when the route is compiled. A status class's counter is created on its first use.
/// Concurrency: any request thread; lazy creation races are harmless (the registry returns the same child).
/// </summary>
internal sealed class RouteTelemetry(TandemMetrics metrics, string listener, string route) : IRouteTelemetry
{
    private readonly Counter.Child?[] _byClass = new Counter.Child?[ServerTelemetry.CodeLabels.Length];
    private readonly Histogram.Child _duration = metrics.RouteDurationHistogram(listener, route);

    public void RequestCompleted(int status, double seconds)
    {
        var index = Math.Clamp(status / 100, 1, 5) - 1;
        var counter = _byClass[index] ??= metrics.RouteRequestCounter(listener, route, ServerTelemetry.CodeLabels[index]);
        counter.Inc();
        _duration.Observe(seconds);
    }
}
