using Tandem.Core.Config;
using Tandem.Proxy.Routing;

namespace Tandem.Proxy.Pipeline;

/// <summary>
/// Where a listener's requests go. Concurrency: <see cref="Route"/> is swapped atomically on reload and read once per
/// request; it is set before the listener receives its first connection.
/// </summary>
internal sealed class ListenerPipeline(ListenerConfig config)
{
    private volatile PoolTarget? _route;
    private volatile ListenerConfig _config = config;

    public PoolTarget Route => _route!;

    public ListenerConfig Config => _config;

    public void Update(ListenerConfig config, PoolTarget route)
    {
        _config = config;
        _route = route;
    }
}
