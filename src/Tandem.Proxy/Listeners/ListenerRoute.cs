using Tandem.Core.Config;
using Tandem.Proxy.Forwarding;

namespace Tandem.Proxy.Listeners;

/// <summary>
/// Where a listener's requests go. Concurrency: <see cref="Route"/> is swapped atomically on reload and read once per
/// request; it is set before the listener receives its first connection.
/// </summary>
internal sealed class ListenerRoute(ListenerConfig config)
{
    private volatile PoolRoute? _route;
    private volatile ListenerConfig _config = config;
    private volatile bool _closeConnections;

    public PoolRoute Route => _route!;

    public ListenerConfig Config => _config;

    /// <summary>Whether each response ends its connection (<c>Connection: close</c>): set while the node hands over.</summary>
    public bool CloseConnections => _closeConnections;

    public void CloseConnectionsAfterResponse() => _closeConnections = true;

    public void Update(ListenerConfig config, PoolRoute route)
    {
        _config = config;
        _route = route;
    }
}
