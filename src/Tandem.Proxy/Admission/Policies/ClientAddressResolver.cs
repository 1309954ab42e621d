using System.Net;
using Microsoft.AspNetCore.Http;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// The real client address: the connection's peer, unless that peer is a trusted proxy, in which case
/// <c>X-Forwarded-For</c> is read from the right, each trusted hop passed over, and the first untrusted address is the
/// client. An untrusted peer's <c>X-Forwarded-For</c> is ignored (anyone can write one). IPv4-mapped IPv6 addresses are
/// taken as IPv4, so <c>10.0.0.0/8</c> matches a dual-stack socket's <c>::ffff:10.1.2.3</c>. Immutable.
/// </summary>
internal sealed class ClientAddressResolver(IPNetwork[] trusted)
{
    public static readonly ClientAddressResolver Direct = new([]);

    /// <summary>Whether <paramref name="peer"/> (a connection's remote address) is one of the trusted proxies.</summary>
    public bool Trusts(IPAddress peer) => trusted.Length > 0 && Contains(trusted, Normalize(peer));

    public IPAddress Resolve(HttpContext http)
    {
        var address = Normalize(http.Connection.RemoteIpAddress ?? IPAddress.IPv6None);
        if (trusted.Length == 0 || !Contains(trusted, address))
        {
            return address;
        }
        var values = http.Request.Headers["X-Forwarded-For"];
        for (var v = values.Count - 1; v >= 0; v--)
        {
            var rest = (values[v] ?? "").AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.LastIndexOf(',');
                var hop = rest[(comma + 1)..].Trim();
                rest = comma < 0 ? default : rest[..comma];
                if (hop.IsEmpty)
                {
                    continue;
                }
                // A hop that is not an address ends the chain of trust: the last trusted hop is the best we know.
                if (!IPAddress.TryParse(hop, out var parsed))
                {
                    return address;
                }
                address = Normalize(parsed);
                if (!Contains(trusted, address))
                {
                    return address;
                }
            }
        }
        return address;
    }

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static bool Contains(IPNetwork[] networks, IPAddress address)
    {
        for (var i = 0; i < networks.Length; i++)
        {
            if (networks[i].Contains(address))
            {
                return true;
            }
        }
        return false;
    }
}
