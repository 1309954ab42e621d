using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tandem.Core.Config;

namespace Tandem.Proxy.Streams.ProxyProtocol;

/// <summary>
/// Writes the PROXY protocol header Tandem sends first on a connection to a server with <c>send-proxy</c>, so the
/// server sees the client's address (HAProxy's proxy-protocol.txt). Addresses of mixed families are written as
/// IPv6 (IPv4-mapped), as the spec asks; a client Tandem cannot describe gets UNKNOWN (v1) or LOCAL (v2).
/// </summary>
internal static class ProxyHeaderWriter
{
    /// <summary>Room for the longest header written (v2 over IPv6: 52 bytes; v1: 107).</summary>
    public const int MaxLength = 108;

    /// <summary>Writes the header into <paramref name="buffer"/> (at least <see cref="MaxLength"/>) and returns its length.</summary>
    public static int Write(ProxyProtocolVersion version, IPEndPoint? client, IPEndPoint? local, Span<byte> buffer, bool datagram = false)
    {
        if (client is not null && local is not null && client.AddressFamily != local.AddressFamily)
        {
            client = new IPEndPoint(client.Address.MapToIPv6(), client.Port);
            local = new IPEndPoint(local.Address.MapToIPv6(), local.Port);
        }
        return version == ProxyProtocolVersion.V1 ? WriteV1(client, local, buffer) : WriteV2(client, local, buffer, datagram);
    }

    private static int WriteV1(IPEndPoint? client, IPEndPoint? local, Span<byte> buffer)
    {
        string line;
        if (client is null || local is null)
        {
            line = "PROXY UNKNOWN\r\n";
        }
        else
        {
            var family = client.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
            line = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"PROXY {family} {client.Address} {local.Address} {client.Port} {local.Port}\r\n");
        }
        return Encoding.ASCII.GetBytes(line, buffer);
    }

    private static int WriteV2(IPEndPoint? client, IPEndPoint? local, Span<byte> buffer, bool datagram)
    {
        ProxyHeaderParser.V2Signature.CopyTo(buffer);
        if (client is null || local is null)
        {
            buffer[12] = 0x20; // version 2, LOCAL
            buffer[13] = 0x00;
            BinaryPrimitives.WriteUInt16BigEndian(buffer[14..], 0);
            return 16;
        }
        buffer[12] = 0x21; // version 2, PROXY
        var v4 = client.AddressFamily == AddressFamily.InterNetwork;
        var addressLength = v4 ? 4 : 16;
        buffer[13] = (byte)((v4 ? 0x10 : 0x20) | (datagram ? 0x02 : 0x01));
        BinaryPrimitives.WriteUInt16BigEndian(buffer[14..], (ushort)(addressLength * 2 + 4));
        var block = buffer[16..];
        client.Address.TryWriteBytes(block, out _);
        local.Address.TryWriteBytes(block[addressLength..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(block[(addressLength * 2)..], (ushort)client.Port);
        BinaryPrimitives.WriteUInt16BigEndian(block[(addressLength * 2 + 2)..], (ushort)local.Port);
        return 16 + addressLength * 2 + 4;
    }
}
