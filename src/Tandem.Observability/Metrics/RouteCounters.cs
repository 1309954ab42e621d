using Prometheus;
using Tandem.Observability.Live;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The series of one route name of one listener, shared by every compiled generation of that route (a reload keeps
/// counting into the same children), and read once per tick for the dashboard's per-route rates.
/// Concurrency: the children are created lazily by any request thread; racing creations return the same child.
/// </summary>
internal sealed class RouteCounters(Histogram.Child duration)
{
    /// <summary>The <c>tandem_route_requests_total</c> child of each status class (1xx..5xx), null until first used.</summary>
    public readonly Counter.Child?[] ByClass = new Counter.Child?[ServerTelemetry.CodeLabels.Length];

    public Histogram.Child Duration { get; } = duration;

    /// <summary>Requests, 5xx and the duration histogram's sum and count so far.</summary>
    public LiveTotals Read()
    {
        long requests = 0;
        for (var i = 0; i < ByClass.Length; i++)
        {
            requests += (long)(Volatile.Read(ref ByClass[i])?.Value ?? 0);
        }
        var errors = (long)(Volatile.Read(ref ByClass[4])?.Value ?? 0);
        return new LiveTotals(requests, errors, Duration.Sum, Duration.Count);
    }
}
