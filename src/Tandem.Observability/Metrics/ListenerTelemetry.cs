using Prometheus;

namespace Tandem.Observability.Metrics;

/// <summary>Counts the client connections of one listener. Concurrency: any connection thread.</summary>
public sealed class ListenerTelemetry
{
    private readonly Gauge.Child _open;
    private readonly Counter.Child _accepted;
    private long _openCount;

    internal ListenerTelemetry(Gauge.Child open, Counter.Child accepted)
    {
        _open = open;
        _accepted = accepted;
    }

    /// <summary>Open client connections of this listener.</summary>
    public long OpenConnections => Interlocked.Read(ref _openCount);

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _openCount);
        _open.Inc();
        _accepted.Inc();
    }

    public void ConnectionClosed()
    {
        Interlocked.Decrement(ref _openCount);
        _open.Dec();
    }
}
