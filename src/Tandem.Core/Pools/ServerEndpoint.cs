using System.Net;
using Tandem.Core.Config;

namespace Tandem.Core.Pools;

/// <summary>
/// Where a server is reached now: its addresses and the URI prefix requests go to. Immutable; a re-resolved name
/// gives the server a new instance (see <see cref="ServerState.Resolved"/>), so a request reads one consistent pair.
/// </summary>
public sealed class ServerEndpoint
{
    private ServerEndpoint(IReadOnlyList<IPAddress> addresses, string prefix)
    {
        Addresses = addresses;
        DestinationPrefix = prefix;
    }

    /// <summary>The addresses the name resolved to (the literal for an IP address); empty while a name is unresolved.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>The URI prefix requests are forwarded to: the first address, or the name while it is unresolved.</summary>
    public string DestinationPrefix { get; }

    /// <summary>The endpoint as configured: an IP literal as it is, a DNS name unresolved.</summary>
    public static ServerEndpoint For(HostPort address) =>
        new(address.Ip is { } ip ? [ip] : [], "http://" + address.ToString());

    /// <summary>The endpoint of a name resolved to <paramref name="addresses"/> (at least one).</summary>
    public static ServerEndpoint Resolved(HostPort address, IReadOnlyList<IPAddress> addresses) =>
        new(addresses, "http://" + new HostPort(addresses[0].ToString(), address.Port).ToString());
}
