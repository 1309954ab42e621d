using Tandem.Core.Config;
using Tandem.Proxy.Recording;
using Tandem.Proxy.Routing;

namespace Tandem.Proxy.Pipeline;

/// <summary>
/// A listener's compiled chain: its route table (swapped atomically on reload, read once per request; set before the
/// listener receives its first connection) and its recorder (fixed for the listener's life; null when it records
/// nothing).
/// </summary>
internal sealed class ListenerPipeline(ListenerConfig config, RequestRecorder? recorder)
{
    private volatile RouteTable? _routes;
    private volatile ListenerConfig _config = config;
    private volatile bool _closeConnections;

    public RouteTable Routes => _routes!;

    public ListenerConfig Config => _config;

    public RequestRecorder? Recorder { get; } = recorder;

    /// <summary>Whether each response ends its connection (<c>Connection: close</c>): set while the node hands over.</summary>
    public bool CloseConnections => _closeConnections;

    public void CloseConnectionsAfterResponse() => _closeConnections = true;

    public void Update(ListenerConfig config, RouteTable routes)
    {
        if (Recorder is { } recorder)
        {
            // Before the table is published: a request sees its routes' series resolved.
            foreach (var route in routes.Routes)
            {
                recorder.Observe(route);
            }
        }
        _config = config;
        _routes = routes;
    }
}
