using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace Tandem.Proxy.Streams.ProxyProtocol;

/// <summary>What <see cref="ProxyHeaderParser.Parse"/> made of the bytes received so far.</summary>
internal enum ProxyHeaderStatus
{
    NeedMore,
    Complete,
    Invalid,
}

/// <summary>
/// Reads a PROXY protocol header (HAProxy's proxy-protocol.txt, v1 text and v2 binary) from a connection of a trusted
/// proxy. Strict, as the spec asks of a receiver: v1 fits 107 bytes with single spaces and an address family that
/// matches its addresses; v2 has the 12-byte signature, version 2, a known command and family, and an address block
/// that fits its length (TLVs after it are skipped). LOCAL (v2) and UNKNOWN (v1) headers carry no client: the
/// connection's own peer stands. A v2 header over <see cref="MaxV2"/> bytes is refused.
/// </summary>
internal static class ProxyHeaderParser
{
    public const int MaxV1 = 107;
    public const int MaxV2 = 16 + 1024;

    internal static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>
    /// Parses a header at the start of <paramref name="data"/>: <paramref name="consumed"/> is its length and
    /// <paramref name="source"/> the client it names (null for LOCAL and UNKNOWN).
    /// </summary>
    public static ProxyHeaderStatus Parse(ReadOnlySpan<byte> data, out int consumed, out IPEndPoint? source)
    {
        consumed = 0;
        source = null;
        if (data.Length == 0)
        {
            return ProxyHeaderStatus.NeedMore;
        }
        if (data[0] == V1Prefix[0])
        {
            return ParseV1(data, out consumed, out source);
        }
        if (data[0] == V2Signature[0])
        {
            return ParseV2(data, out consumed, out source);
        }
        return ProxyHeaderStatus.Invalid;
    }

    private static ProxyHeaderStatus ParseV1(ReadOnlySpan<byte> data, out int consumed, out IPEndPoint? source)
    {
        consumed = 0;
        source = null;
        var prefix = Math.Min(data.Length, V1Prefix.Length);
        if (!data[..prefix].SequenceEqual(V1Prefix[..prefix]))
        {
            return ProxyHeaderStatus.Invalid;
        }
        var end = data[..Math.Min(data.Length, MaxV1)].IndexOf("\r\n"u8);
        if (end < 0)
        {
            return data.Length >= MaxV1 ? ProxyHeaderStatus.Invalid : ProxyHeaderStatus.NeedMore;
        }
        var line = Encoding.ASCII.GetString(data[V1Prefix.Length..end]);
        var fields = line.Split(' ');
        consumed = end + 2;
        if (fields.Length >= 1 && fields[0] == "UNKNOWN")
        {
            return ProxyHeaderStatus.Complete;
        }
        if (fields.Length != 5 || fields[0] is not ("TCP4" or "TCP6"))
        {
            return ProxyHeaderStatus.Invalid;
        }
        var family = fields[0] == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (!IPAddress.TryParse(fields[1], out var src) || !IPAddress.TryParse(fields[2], out var dst)
            || src.AddressFamily != family || dst.AddressFamily != family
            || (family == System.Net.Sockets.AddressFamily.InterNetwork && (fields[1].Count(c => c == '.') != 3 || fields[2].Count(c => c == '.') != 3))
            || !Port(fields[3], out var srcPort) || !Port(fields[4], out _))
        {
            return ProxyHeaderStatus.Invalid;
        }
        source = new IPEndPoint(src, srcPort);
        return ProxyHeaderStatus.Complete;
    }

    private static bool Port(string text, out int port)
    {
        port = 0;
        return text.Length is >= 1 and <= 5 && (text.Length == 1 || text[0] != '0')
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
    }

    private static ProxyHeaderStatus ParseV2(ReadOnlySpan<byte> data, out int consumed, out IPEndPoint? source)
    {
        consumed = 0;
        source = null;
        var prefix = Math.Min(data.Length, V2Signature.Length);
        if (!data[..prefix].SequenceEqual(V2Signature[..prefix]))
        {
            return ProxyHeaderStatus.Invalid;
        }
        if (data.Length < 16)
        {
            return ProxyHeaderStatus.NeedMore;
        }
        var versionCommand = data[12];
        var family = data[13];
        var length = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        if (versionCommand >> 4 != 2 || (versionCommand & 0x0F) > 1 || 16 + length > MaxV2)
        {
            return ProxyHeaderStatus.Invalid;
        }
        if (data.Length < 16 + length)
        {
            return ProxyHeaderStatus.NeedMore;
        }
        consumed = 16 + length;
        var block = data.Slice(16, length);
        var local = (versionCommand & 0x0F) == 0;
        switch (family)
        {
            case 0x00: // AF_UNSPEC: only with LOCAL or for a connection the sender could not describe.
                return ProxyHeaderStatus.Complete;
            case 0x11 or 0x12: // TCP or UDP over IPv4
                if (block.Length < 12)
                {
                    return ProxyHeaderStatus.Invalid;
                }
                source = local ? null : new IPEndPoint(new IPAddress(block[..4]), BinaryPrimitives.ReadUInt16BigEndian(block[8..]));
                return ProxyHeaderStatus.Complete;
            case 0x21 or 0x22: // TCP or UDP over IPv6
                if (block.Length < 36)
                {
                    return ProxyHeaderStatus.Invalid;
                }
                source = local ? null : new IPEndPoint(new IPAddress(block[..16]), BinaryPrimitives.ReadUInt16BigEndian(block[32..]));
                return ProxyHeaderStatus.Complete;
            default: // AF_UNIX and unknown families: nothing Tandem can balance on.
                return ProxyHeaderStatus.Invalid;
        }
    }
}
