using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tandem.Proxy.Listeners.Transport;

/// <summary>
/// Kestrel's socket transport, with sockets shared between <see cref="SharedEndPoint"/>s of the same address: the
/// HTTP/1.1 and h2c endpoints of a listener, and a listener and its replacement during a reload, so a reload never
/// closes the port. One instance serves every data-plane listener of the process.
/// </summary>
internal sealed class SharedSocketTransport : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPEndPoint, SharedSocket> _sockets = [];
    private readonly SocketTransportFactory _socketFactory;
    private readonly ILogger _logger;

    public SharedSocketTransport(ILoggerFactory loggerFactory)
    {
        _socketFactory = new SocketTransportFactory(Options.Create(new SocketTransportOptions
        {
            Backlog = 4096,
            UnsafePreferInlineScheduling = IoScheduling.Inline,
        }), loggerFactory);
        _logger = loggerFactory.CreateLogger("Tandem.Proxy.Transport");
    }

    public bool CanBind(EndPoint endpoint) => endpoint is SharedEndPoint;

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not SharedEndPoint shared)
        {
            throw new NotSupportedException($"{endpoint} is not a Tandem listener endpoint");
        }
        lock (_gate)
        {
            // The sibling endpoint of the same listener instance (HTTP/1.1 beside h2c), or the listener being replaced.
            var sibling = shared.Generation.Http1 ?? shared.Generation.Http2;
            if (sibling is not null)
            {
                return sibling.Socket.Attach(shared);
            }
            if (shared.Socket.Port != 0 && _sockets.TryGetValue(shared.Socket, out var existing))
            {
                return existing.Attach(shared);
            }
        }

        var inner = await _socketFactory.BindAsync(shared.Socket, cancellationToken);
        lock (_gate)
        {
            var socket = new SharedSocket(inner, this, _logger);
            _sockets[socket.BoundEndPoint] = socket;
            var listener = socket.Attach(shared);
            socket.Start();
            return listener;
        }
    }

    /// <summary>Removes a listener; true when its socket has no listener left and must be closed by the caller.</summary>
    internal bool Detach(SharedSocket socket, SharedListener listener)
    {
        lock (_gate)
        {
            if (!socket.RemoveAndCheckEmpty(listener))
            {
                return false;
            }
            _sockets.Remove(socket.BoundEndPoint);
            return true;
        }
    }
}
