using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Listeners.Transport;

/// <summary>
/// Kestrel's socket transport, with sockets shared between <see cref="SharedEndPoint"/>s of the same address: the
/// HTTP/1.1 and h2c endpoints of a listener, and a listener and its replacement during a reload, so a reload never
/// closes the port. One instance serves every data-plane listener of the process.
/// With <c>transparent</c> (a node that holds a VIP), listening sockets get IP_TRANSPARENT so that connections accepted
/// on the VIP can still send their response after keepalived moves the address to the peer: without it the kernel
/// refuses to route a packet whose source address is no longer local, and a request in flight at the switch is lost.
/// </summary>
internal sealed class SharedSocketTransport : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPEndPoint, SharedSocket> _sockets = [];
    private readonly SocketTransportFactory _socketFactory;
    private readonly ListenSocketRegistry _registry;
    private readonly ILogger _logger;

    /// <param name="loggerFactory">Logs accept failures.</param>
    /// <param name="registry">Where listening sockets come from (and are taken over from a predecessor); a private one when null.</param>
    /// <param name="transparent">Set IP_TRANSPARENT on listening sockets (a node that holds a VIP).</param>
    public SharedSocketTransport(ILoggerFactory loggerFactory, ListenSocketRegistry? registry = null, bool transparent = false)
    {
        _logger = loggerFactory.CreateLogger("Tandem.Proxy.Transport");
        _registry = registry ?? new ListenSocketRegistry();
        var options = new SocketTransportOptions
        {
            Backlog = 4096,
            UnsafePreferInlineScheduling = IoScheduling.Inline,
        };
        _socketFactory = StoppableListener.CreateFactory(_registry, ListenerKind, options, loggerFactory,
            transparent && OperatingSystem.IsLinux() ? MakeTransparent : null);
    }

    /// <summary>The registry kind of data-plane listening sockets.</summary>
    public const string ListenerKind = "proxy";

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

        var inner = await StoppableListener.BindAsync(_socketFactory, _registry, ListenerKind, shared.Socket, cancellationToken);
        lock (_gate)
        {
            var socket = new SharedSocket(inner, this, _logger);
            _sockets[socket.BoundEndPoint] = socket;
            return socket.Attach(shared);
        }
    }

    /// <summary>
    /// Sets IP_TRANSPARENT (IPV6_TRANSPARENT on an IPv6 or dual-mode socket; both set the same flag, which accepted
    /// sockets inherit). It needs CAP_NET_ADMIN, which a node running keepalived has; without it the listener still
    /// works and the failure is logged.
    /// </summary>
    private void MakeTransparent(Socket socket)
    {
        const int ipTransparent = 19;
        const int ipv6Transparent = 75;
        Span<byte> on = [1, 0, 0, 0];
        try
        {
            if (socket.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.IPv6, ipv6Transparent, on);
            }
            else
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.IP, ipTransparent, on);
            }
        }
        catch (SocketException ex)
        {
            TransportLog.TransparentFailed(_logger, socket.LocalEndPoint?.ToString() ?? "?", ex.SocketErrorCode.ToString());
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
