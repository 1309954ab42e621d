using System.Collections.Frozen;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Tandem.Core.Pools;

namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>
/// Writes the HTTP/1.1 request head for the server straight from Kestrel's request: what YARP's forwarder with
/// <see cref="ForwardedHeadersTransformer"/> sends, without building an <see cref="HttpRequestMessage"/>: the method,
/// the path as Kestrel normalized it (<see cref="UpstreamPath"/>) and the query as received, every header but
/// hop-by-hop ones (the fixed set and those the client's Connection field names; the client's Host kept), then the
/// forwarding headers. Stateless.
/// </summary>
internal static class RequestHeadWriter
{
    /// <summary>
    /// Hop-by-hop and proxy-only headers never forwarded (RFC 9110 section 7.6.1, and what YARP drops); <c>TE</c> is
    /// forwarded only as <c>trailers</c>.
    /// </summary>
    public static readonly FrozenSet<string> HopByHop = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authentication-Info",
        "Proxy-Authorization", "Proxy-Features", "Proxy-Instruction", "Security-Scheme", "ALPN", "Close", "TE", "Alt-Svc");

    private static ReadOnlySpan<byte> Http11Crlf => " HTTP/1.1\r\n"u8;

    /// <summary>Writes the head into the connection's write buffer; returns its length.</summary>
    public static int Write(HttpContext context, ForwardedValues forwarded, ServerState server, UpstreamConnection connection)
    {
        var request = context.Request;
        var w = new Writer(connection);
        w.Ascii(request.Method);
        w.Byte((byte)' ');
        w.Latin1(UpstreamPath.Of(request));
        if (request.QueryString.Value is { Length: > 0 } query)
        {
            w.Latin1(query);
        }
        w.Bytes(Http11Crlf);

        var hasHost = false;
        var listed = ConnectionOptions.Listed(request.Headers.Connection);
        foreach (var header in request.Headers)
        {
            var name = header.Key;
            if (name.Length == 0 || name[0] == ':' || Skip(name, header.Value, forwarded)
                || (listed is not null && ConnectionOptions.Lists(listed, name)))
            {
                continue;
            }
            if (!hasHost && name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                hasHost = header.Value.Count > 0;
            }
            WriteValues(ref w, name, header.Value);
        }
        if (!hasHost)
        {
            // An HTTP/1.0 client may send none; HTTP/1.1 requires one (RFC 9112 section 3.2): the server's own address.
            w.Field("Host", server.Address.ToString());
        }
        if (forwarded.For is not null)
        {
            w.Field(ForwardedHeadersTransformer.ForwardedFor, forwarded.For);
        }
        if (forwarded.Proto is not null)
        {
            w.Field(ForwardedHeadersTransformer.ForwardedProto, forwarded.Proto);
        }
        if (forwarded.ReplaceHost && forwarded.Host is not null)
        {
            w.Field(ForwardedHeadersTransformer.ForwardedHost, forwarded.Host);
        }
        if (forwarded.ReplaceRealIp && forwarded.RealIp is not null)
        {
            w.Field(ForwardedHeadersTransformer.RealIp, forwarded.RealIp);
        }
        if (forwarded.Forwarded is not null)
        {
            w.Field(ForwardedHeadersTransformer.Forwarded, forwarded.Forwarded);
        }
        w.Bytes("\r\n"u8);
        return w.Length;
    }

    private static bool Skip(string name, StringValues values, ForwardedValues forwarded)
    {
        if (HopByHop.Contains(name))
        {
            // gRPC and others need TE: trailers to reach the server.
            return !(name.Equals("TE", StringComparison.OrdinalIgnoreCase) && values.Count == 1
                && string.Equals(values[0], "trailers", StringComparison.OrdinalIgnoreCase));
        }
        return (forwarded.ReplaceFor && name.Equals(ForwardedHeadersTransformer.ForwardedFor, StringComparison.OrdinalIgnoreCase))
            || (forwarded.Proto is not null && name.Equals(ForwardedHeadersTransformer.ForwardedProto, StringComparison.OrdinalIgnoreCase))
            || (forwarded.ReplaceHost && name.Equals(ForwardedHeadersTransformer.ForwardedHost, StringComparison.OrdinalIgnoreCase))
            || (forwarded.ReplaceRealIp && name.Equals(ForwardedHeadersTransformer.RealIp, StringComparison.OrdinalIgnoreCase))
            || (forwarded.Forwarded is not null && name.Equals(ForwardedHeadersTransformer.Forwarded, StringComparison.OrdinalIgnoreCase));
    }

    private static void WriteValues(ref Writer w, string name, StringValues values)
    {
        if (values.Count == 1)
        {
            var value = values[0];
            if (value is not null && !HasLineBreak(value))
            {
                w.Field(name, value);
            }
            return;
        }
        if (name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
        {
            // Cookie is one field joined by "; " (RFC 6265 section 5.4); an HTTP/2 client may send it in pieces.
            w.Latin1(name);
            w.Bytes(": "u8);
            var first = true;
            foreach (var value in values)
            {
                if (value is null || HasLineBreak(value))
                {
                    continue;
                }
                if (!first)
                {
                    w.Bytes("; "u8);
                }
                w.Latin1(value);
                first = false;
            }
            w.Bytes("\r\n"u8);
            return;
        }
        foreach (var value in values)
        {
            if (value is not null && !HasLineBreak(value))
            {
                w.Field(name, value);
            }
        }
    }

    /// <summary>A value with CR, LF or NUL would end the field early: never written (YARP drops such headers too).</summary>
    private static bool HasLineBreak(string value) => value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;

    /// <summary>Appends to the connection's write buffer, growing it when needed.</summary>
    private ref struct Writer(UpstreamConnection connection)
    {
        private byte[] _buffer = connection.WriteBuffer;

        public int Length { get; private set; }

        public void Field(string name, string value)
        {
            Latin1(name);
            Bytes(": "u8);
            Latin1(value);
            Bytes("\r\n"u8);
        }

        public void Byte(byte b)
        {
            Ensure(1);
            _buffer[Length++] = b;
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(Length));
            Length += bytes.Length;
        }

        public void Ascii(string text) => Latin1(text);

        /// <summary>Header values arrive decoded as Latin-1 (see RequestHeaderEncodings): the client's bytes go on unchanged.</summary>
        public void Latin1(string text)
        {
            Ensure(text.Length);
            Length += Encoding.Latin1.GetBytes(text, _buffer.AsSpan(Length));
        }

        private void Ensure(int more)
        {
            if (Length + more > _buffer.Length)
            {
                _buffer = connection.GrowWriteBuffer(Length, Length + more);
            }
        }
    }
}
