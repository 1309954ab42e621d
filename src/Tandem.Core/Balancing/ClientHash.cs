using System.IO.Hashing;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tandem.Core.Balancing;

/// <summary>
/// The 64-bit hash of a client key for <c>ip-hash</c>: XXH3 of the address bytes (an IPv4-mapped IPv6 address hashes
/// as its IPv4 form) or of a header or cookie value. Stable across processes and machines, unlike
/// <see cref="string.GetHashCode()"/>, so both nodes of a pair send a client to the same server. Allocates nothing.
/// </summary>
public static class ClientHash
{
    public static ulong Of(IPAddress? address)
    {
        if (address is null)
        {
            return 0;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        Span<byte> bytes = stackalloc byte[16];
        return address.TryWriteBytes(bytes, out var written) ? XxHash3.HashToUInt64(bytes[..written]) : 0;
    }

    public static ulong Of(ReadOnlySpan<char> value) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value));

    /// <summary>Whether the address family is one <see cref="Of(IPAddress)"/> hashes (IPv4 or IPv6).</summary>
    public static bool IsHashable(IPAddress address) =>
        address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
}
