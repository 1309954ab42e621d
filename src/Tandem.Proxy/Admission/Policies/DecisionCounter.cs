using Tandem.Core.Telemetry;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// One policy's decisions for one result and reason: the metric series, and a count of its own for the admin API
/// (the compiled policy's lifetime: it restarts when the policy's settings change). Concurrency: lock-free.
/// </summary>
internal sealed class DecisionCounter(IPolicyCounter series)
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Increment()
    {
        Interlocked.Increment(ref _count);
        series.Increment();
    }
}
