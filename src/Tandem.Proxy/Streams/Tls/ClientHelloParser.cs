using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Tandem.Core.Config;

namespace Tandem.Proxy.Streams.Tls;

/// <summary>What <see cref="ClientHelloParser.Parse"/> made of the bytes a client sent so far.</summary>
internal enum ClientHelloStatus
{
    /// <summary>A valid prefix of a ClientHello: read more.</summary>
    NeedMore,

    /// <summary>A whole ClientHello; the server name, if it sent one, is known.</summary>
    Complete,

    /// <summary>Not TLS, not a ClientHello, malformed, or larger than <see cref="ClientHelloParser.MaxHandshake"/>.</summary>
    Invalid,
}

/// <summary>What a ClientHello offers, as far as <see cref="ClientHelloParser.ReadOffers"/> looks.</summary>
[Flags]
internal enum ClientHelloOffers
{
    None = 0,

    /// <summary>The ALPN protocol asked about.</summary>
    AlpnProtocol = 1,

    /// <summary>TLS 1.3 (in supported_versions).</summary>
    Tls13 = 2,
}

/// <summary>
/// Reads the server name from a TLS ClientHello without terminating TLS, as nginx's <c>ssl_preread</c> and HAProxy's
/// <c>req.ssl_sni</c> do. It follows RFC 8446 (and 5246 for TLS 1.2 clients): the handshake may be split over several
/// records (the record layer allows it, and post-quantum key shares make ClientHellos larger), every length must fit
/// inside its parent, and anything else than a handshake record opening with a ClientHello is refused. Bounded: a
/// ClientHello over <see cref="MaxHandshake"/> bytes is invalid. The bytes are only read; the caller sends them on.
/// </summary>
internal static class ClientHelloParser
{
    /// <summary>The largest ClientHello handshake message accepted (its 4-byte header included).</summary>
    public const int MaxHandshake = 16 * 1024;

    private const byte HandshakeRecord = 22;
    private const byte ClientHello = 1;
    private const int RecordHeader = 5;
    private const int MaxRecord = 16 * 1024;
    private const ushort ServerNameExtension = 0;
    private const ushort AlpnExtension = 16;
    private const ushort SupportedVersionsExtension = 43;
    private const ushort Tls13Version = 0x0304;
    private const byte HostNameType = 0;

    /// <summary>Parses the bytes received so far. <paramref name="serverName"/> is the lower-case SNI host name, or null when none was sent.</summary>
    public static ClientHelloStatus Parse(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        var scratch = ArrayPool<byte>.Shared.Rent(MaxHandshake);
        try
        {
            var status = Reassemble(data, scratch, out var length);
            return status == ClientHelloStatus.Complete ? ParseHello(scratch.AsSpan(4, length - 4), out serverName) : status;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Concatenates the payloads of the handshake records into <paramref name="handshake"/> until the ClientHello is whole.</summary>
    private static ClientHelloStatus Reassemble(ReadOnlySpan<byte> data, byte[] handshake, out int length)
    {
        length = 0;
        var filled = 0;
        var needed = -1;
        while (true)
        {
            if (data.Length < RecordHeader)
            {
                return data.Length > 0 && data[0] != HandshakeRecord ? ClientHelloStatus.Invalid : ClientHelloStatus.NeedMore;
            }
            var recordLength = BinaryPrimitives.ReadUInt16BigEndian(data[3..]);
            if (data[0] != HandshakeRecord || data[1] != 3 || recordLength is 0 or > MaxRecord)
            {
                return ClientHelloStatus.Invalid;
            }
            var available = Math.Min(recordLength, data.Length - RecordHeader);
            var take = Math.Min(available, handshake.Length - filled);
            data.Slice(RecordHeader, take).CopyTo(handshake.AsSpan(filled));
            filled += take;
            if (needed < 0 && filled >= 4)
            {
                if (handshake[0] != ClientHello)
                {
                    return ClientHelloStatus.Invalid;
                }
                needed = 4 + (handshake[1] << 16 | handshake[2] << 8 | handshake[3]);
                if (needed > MaxHandshake)
                {
                    return ClientHelloStatus.Invalid;
                }
            }
            if (needed >= 0 && filled >= needed)
            {
                length = needed;
                return ClientHelloStatus.Complete;
            }
            if (available < recordLength)
            {
                return ClientHelloStatus.NeedMore;
            }
            data = data[(RecordHeader + recordLength)..];
        }
    }

    /// <summary>
    /// What a whole ClientHello in <paramref name="data"/> offers: <paramref name="alpnProtocol"/> in its ALPN extension
    /// (RFC 7301), and TLS 1.3 in its supported_versions extension (RFC 8446 section 4.2.1).
    /// <see cref="ClientHelloStatus.NeedMore"/> until the ClientHello is whole.
    /// </summary>
    public static ClientHelloStatus ReadOffers(ReadOnlySpan<byte> data, ReadOnlySpan<byte> alpnProtocol, out ClientHelloOffers offers)
    {
        offers = ClientHelloOffers.None;
        var scratch = ArrayPool<byte>.Shared.Rent(MaxHandshake);
        try
        {
            var status = Reassemble(data, scratch, out var length);
            if (status != ClientHelloStatus.Complete)
            {
                return status;
            }
            var reader = new SpanReader(scratch.AsSpan(4, length - 4));
            if (!reader.Skip(2 + 32) || !reader.Vector8(out _) || !reader.Vector16(out _) || !reader.Vector8(out _))
            {
                return ClientHelloStatus.Invalid;
            }
            if (reader.Remaining == 0 || !reader.Vector16(out var extensions))
            {
                return ClientHelloStatus.Complete;
            }
            var ext = new SpanReader(extensions);
            while (ext.Remaining > 0 && ext.UInt16(out var type) && ext.Vector16(out var body))
            {
                if (type == AlpnExtension && OffersAlpn(body, alpnProtocol))
                {
                    offers |= ClientHelloOffers.AlpnProtocol;
                }
                else if (type == SupportedVersionsExtension && OffersTls13(body))
                {
                    offers |= ClientHelloOffers.Tls13;
                }
            }
            return ClientHelloStatus.Complete;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static bool OffersAlpn(ReadOnlySpan<byte> body, ReadOnlySpan<byte> protocol)
    {
        var list = new SpanReader(body);
        if (!list.Vector16(out var names))
        {
            return false;
        }
        var entries = new SpanReader(names);
        while (entries.Remaining > 0 && entries.Vector8(out var name))
        {
            if (name.SequenceEqual(protocol))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A ClientHello's supported_versions: a list of 16-bit versions; TLS 1.3 is 0x0304.</summary>
    private static bool OffersTls13(ReadOnlySpan<byte> body)
    {
        var list = new SpanReader(body);
        if (!list.Vector8(out var versions))
        {
            return false;
        }
        var entries = new SpanReader(versions);
        while (entries.Remaining >= 2 && entries.UInt16(out var version))
        {
            if (version == Tls13Version)
            {
                return true;
            }
        }
        return false;
    }

    private static ClientHelloStatus ParseHello(ReadOnlySpan<byte> hello, out string? serverName)
    {
        serverName = null;
        var reader = new SpanReader(hello);
        // legacy_version, random, legacy_session_id (0..32), cipher_suites (2.., even), compression (1..).
        if (!reader.Skip(2 + 32) || !reader.Vector8(out var session) || session.Length > 32
            || !reader.Vector16(out var suites) || suites.Length < 2 || suites.Length % 2 != 0
            || !reader.Vector8(out var compression) || compression.Length < 1)
        {
            return ClientHelloStatus.Invalid;
        }
        if (reader.Remaining == 0)
        {
            return ClientHelloStatus.Complete; // no extensions, so no SNI (an old TLS 1.2 client)
        }
        if (!reader.Vector16(out var extensions) || reader.Remaining != 0)
        {
            return ClientHelloStatus.Invalid;
        }
        var ext = new SpanReader(extensions);
        var seenSni = false;
        while (ext.Remaining > 0)
        {
            if (!ext.UInt16(out var type) || !ext.Vector16(out var body))
            {
                return ClientHelloStatus.Invalid;
            }
            if (type != ServerNameExtension)
            {
                continue;
            }
            if (seenSni || !TryServerName(body, out serverName))
            {
                serverName = null;
                return ClientHelloStatus.Invalid;
            }
            seenSni = true;
        }
        return ClientHelloStatus.Complete;
    }

    /// <summary>RFC 6066 section 3: a list holding one host_name, an ASCII DNS name without a trailing dot.</summary>
    private static bool TryServerName(ReadOnlySpan<byte> body, out string? name)
    {
        name = null;
        var reader = new SpanReader(body);
        if (!reader.Vector16(out var list) || reader.Remaining != 0 || list.Length == 0)
        {
            return false;
        }
        var entries = new SpanReader(list);
        while (entries.Remaining > 0)
        {
            if (!entries.UInt8(out var kind) || !entries.Vector16(out var host) || host.Length == 0)
            {
                return false;
            }
            if (kind != HostNameType)
            {
                continue;
            }
            if (name is not null || host.Length > 253 || !Ascii.IsValid(host))
            {
                return false;
            }
            var text = Encoding.ASCII.GetString(host);
            if (!SniName.IsHostName(text))
            {
                return false;
            }
            name = text.ToLowerInvariant();
        }
        return name is not null;
    }

    /// <summary>Big-endian reads that fail instead of running past the end.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public readonly int Remaining => _data.Length;

        public bool Skip(int count)
        {
            if (_data.Length < count)
            {
                return false;
            }
            _data = _data[count..];
            return true;
        }

        public bool UInt8(out byte value)
        {
            value = 0;
            if (_data.Length < 1)
            {
                return false;
            }
            value = _data[0];
            _data = _data[1..];
            return true;
        }

        public bool UInt16(out ushort value)
        {
            value = 0;
            if (_data.Length < 2)
            {
                return false;
            }
            value = BinaryPrimitives.ReadUInt16BigEndian(_data);
            _data = _data[2..];
            return true;
        }

        public bool Vector8(out ReadOnlySpan<byte> value)
        {
            value = default;
            return UInt8(out var length) && Take(length, out value);
        }

        public bool Vector16(out ReadOnlySpan<byte> value)
        {
            value = default;
            return UInt16(out var length) && Take(length, out value);
        }

        private bool Take(int length, out ReadOnlySpan<byte> value)
        {
            value = default;
            if (_data.Length < length)
            {
                return false;
            }
            value = _data[..length];
            _data = _data[length..];
            return true;
        }
    }
}
