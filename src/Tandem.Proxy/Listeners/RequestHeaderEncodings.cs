using System.Buffers;
using System.Text;
using Tandem.Core.Config;

namespace Tandem.Proxy.Listeners;

/// <summary>
/// How a listener's Kestrel turns request header bytes into strings (<c>RequestHeaderEncodingSelector</c>, asked once
/// per header with its name, on HTTP/1.1 and HTTP/2 alike). It is the one place that sees every header's raw bytes
/// before the request exists, so the header checks a proxy needs live here, at no cost per request beyond decoding:
/// <list type="bullet">
/// <item>Values are Latin-1: each byte one char, so the upstream client (Latin-1 too) writes back exactly the bytes
/// the client sent, UTF-8 included, as nginx does. Kestrel's default (ASCII or UTF-8) would refuse Latin-1 bytes with
/// 400, and a UTF-8 value would make the upstream client throw, which was blamed on the server.</item>
/// <item>With <c>non-ascii-headers: reject</c>, a byte above 0x7F fails decoding, which Kestrel answers with 400.</item>
/// <item>A name that is not an RFC 9110 token (an HTTP/2 name with a space, a colon or CR/LF) fails decoding too, so
/// the request is refused instead of the header being dropped on the way.</item>
/// <item><c>Content-Length</c> must be digits only: Kestrel's own parser takes <c>+5</c> as 5.</item>
/// </list>
/// Kestrel turns a <see cref="DecoderFallbackException"/> from a selected encoding into a malformed-header 400 on
/// HTTP/1.1 and a connection error (GOAWAY, PROTOCOL_ERROR) on HTTP/2; either way nothing reaches a server.
/// </summary>
internal static class RequestHeaderEncodings
{
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly Encoding StrictAscii =
        Encoding.GetEncoding("us-ascii", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    private static readonly Func<string, Encoding?> PassSelector = name => Select(name, Encoding.Latin1);
    private static readonly Func<string, Encoding?> RejectSelector = name => Select(name, StrictAscii);

    public static Func<string, Encoding?> For(NonAsciiHeaders mode) => mode == NonAsciiHeaders.Reject ? RejectSelector : PassSelector;

    private static Encoding Select(string name, Encoding values)
    {
        // HTTP/2 pseudo-headers (":authority") come through here too; Kestrel checks those itself.
        var token = name.StartsWith(':') ? name.AsSpan(1) : name.AsSpan();
        if (token.IsEmpty || token.ContainsAnyExcept(TokenChars))
        {
            return RefusingEncoding.Instance;
        }
        return string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase) ? ContentLengthEncoding.Instance : values;
    }

    /// <summary>Fails every decode: the header it is chosen for makes the request malformed.</summary>
    private sealed class RefusingEncoding : Encoding
    {
        public static readonly RefusingEncoding Instance = new();

        public override int GetByteCount(char[] chars, int index, int count) => count;

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) => Latin1.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

        public override int GetCharCount(byte[] bytes, int index, int count) => throw Refused();

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) => throw Refused();

        public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars) => throw Refused();

        public override string GetString(byte[] bytes, int index, int count) => throw Refused();

        public override int GetMaxByteCount(int charCount) => charCount;

        public override int GetMaxCharCount(int byteCount) => byteCount;

        private static DecoderFallbackException Refused() => new("the header name is not a token (RFC 9110 section 5.1)");
    }

    /// <summary>
    /// Digits pass; any other byte becomes a char no number parser accepts, so Kestrel refuses the value (400) where
    /// its own parser would read a sign. Kestrel parses this header from <see cref="GetChars(ReadOnlySpan{byte}, Span{char})"/>.
    /// </summary>
    private sealed class ContentLengthEncoding : Encoding
    {
        public static readonly ContentLengthEncoding Instance = new();

        public override int GetByteCount(char[] chars, int index, int count) => count;

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) => Latin1.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

        public override int GetCharCount(byte[] bytes, int index, int count) => count;

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
            GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

        public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
        {
            // Kestrel offers 20 chars; a longer value is too long anyway and is refused for its length.
            var count = Math.Min(bytes.Length, chars.Length);
            for (var i = 0; i < count; i++)
            {
                var b = bytes[i];
                chars[i] = b is >= (byte)'0' and <= (byte)'9' ? (char)b : 'x';
            }
            return bytes.Length > chars.Length ? chars.Length : count;
        }

        public override string GetString(byte[] bytes, int index, int count) => Latin1.GetString(bytes, index, count);

        public override int GetMaxByteCount(int charCount) => charCount;

        public override int GetMaxCharCount(int byteCount) => byteCount;
    }
}
