using Prometheus;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The per-request state of one listener name, shared by every generation of that listener (a listener replaced on
/// reload keeps counting into the same series). Concurrency: <see cref="InFlight"/> is interlocked; the children are
/// created lazily and racing creations return the same child.
/// </summary>
internal sealed class ListenerCounters(int children)
{
    public long InFlight;

    public readonly Counter.Child?[] Requests = new Counter.Child?[children];
}
