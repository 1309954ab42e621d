using System.Net;
using System.Net.Sockets;

namespace Tandem.Proxy.Dns;

internal static class NameAnswers
{
    /// <summary>IPv4 before IPv6, each in the order given: the first is where requests go, and most backends listen on IPv4.</summary>
    public static IPAddress[] Ordered(IReadOnlyList<IPAddress> addresses)
    {
        var ordered = new List<IPAddress>(addresses.Count);
        foreach (var address in addresses)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                ordered.Add(address);
            }
        }
        foreach (var address in addresses)
        {
            if (address.AddressFamily != AddressFamily.InterNetwork)
            {
                ordered.Add(address);
            }
        }
        return [.. ordered];
    }

    /// <summary>Whether two answers hold the same addresses in the same order.</summary>
    public static bool Same(IReadOnlyList<IPAddress> a, IReadOnlyList<IPAddress> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }
        return true;
    }

    public static string Describe(IReadOnlyList<IPAddress> addresses) => addresses.Count == 0 ? "nothing" : string.Join(", ", addresses);
}
