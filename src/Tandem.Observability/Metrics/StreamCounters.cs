namespace Tandem.Observability.Metrics;

/// <summary>
/// What the dashboard needs of a layer-4 listener that its Prometheus series cannot give cheaply (those are split by
/// protocol and result): connections or flows opened, and those that ended with an error. Shared by every generation
/// of the listener. Concurrency: interlocked, from any connection thread, once per connection (never per chunk).
/// </summary>
internal sealed class StreamCounters
{
    public long Opened;

    public long Failed;
}
