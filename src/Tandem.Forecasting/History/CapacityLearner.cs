namespace Tandem.Forecasting.History;

/// <summary>
/// Learns a pool's per-server capacity when <c>capacity</c> is not configured, from observed minutes:
/// the highest per-server rate (requests/s divided by usable servers) of any <em>healthy</em> minute. A minute is
/// healthy when fewer than 1% of its requests failed and its mean response time stayed under twice the pool's
/// baseline (the lowest mean response time of any minute with at least 60 requests). Minutes with fewer than 60
/// requests say nothing about capacity and are ignored. The result is a lower bound: a pool that was never pushed
/// shows only the load it has carried, so the planner errs on the side of scaling early.
/// Concurrency: <see cref="Observe"/> from the recorder's tick only; <see cref="Capacity"/> is read from any thread.
/// </summary>
public sealed class CapacityLearner
{
    /// <summary>Requests a minute needs before it tells anything about latency or capacity.</summary>
    public const int MinRequests = 60;

    private const double MaxFailureShare = 0.01;
    private const double LatencyFactor = 2;

    private double _baselineMicros = double.PositiveInfinity;
    private double _capacity;

    /// <summary>The learned requests/s per server, or 0 before any healthy minute.</summary>
    public double Capacity => Volatile.Read(ref _capacity);

    /// <summary>Takes one minute of a pool: requests, server failures, summed response time and usable servers.</summary>
    public void Observe(long requests, long failures, long latencyMicroseconds, int servers)
    {
        if (requests < MinRequests || servers <= 0)
        {
            return;
        }
        var meanMicros = (double)latencyMicroseconds / requests;
        _baselineMicros = Math.Min(_baselineMicros, meanMicros);
        var healthy = failures < requests * MaxFailureShare && meanMicros <= LatencyFactor * _baselineMicros;
        if (healthy)
        {
            var perServer = requests / 60.0 / servers;
            if (perServer > _capacity)
            {
                Volatile.Write(ref _capacity, perServer);
            }
        }
    }
}
