using System.Net;
using System.Net.Sockets;
using Tandem.Core.Pools;

namespace Tandem.Proxy.Streams;

/// <summary>
/// Connects a socket to a server where requests go: the address its name was last resolved to (see
/// <see cref="ServerState.Endpoint"/>), so TCP and UDP traffic and their health checks follow a name as HTTP does.
/// </summary>
internal static class ServerSockets
{
    public static ValueTask ConnectAsync(Socket socket, ServerState server, CancellationToken cancellationToken)
    {
        var address = server.Address;
        var resolved = server.Endpoint.Addresses;
        return resolved.Count > 0 ? socket.ConnectAsync(new IPEndPoint(resolved[0], address.Port), cancellationToken)
            : address.Ip is { } ip ? socket.ConnectAsync(new IPEndPoint(ip, address.Port), cancellationToken)
            : socket.ConnectAsync(address.Host, address.Port, cancellationToken);
    }
}
