using System.Text;
using static Tandem.Proxy.Forwarding.Http11.HttpSyntax;

namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>
/// Parses an HTTP/1.1 response head (RFC 9112 §4-§6) from the bytes received so far, strictly wherever a lenient
/// reading would let two parsers disagree about where a response ends (response smuggling): every such violation is
/// <see cref="HeadParseStatus.Invalid"/>, which the proxy answers with a 502 instead of passing it on. Re-parses from
/// the start on every call (heads are small) and decides only from bytes already seen, so the answer never depends on
/// how the input was split. Allocates nothing; errors are constant strings. Stateless and thread-safe.
/// </summary>
internal static class ResponseHeadParser
{
    /// <summary>The most bytes a head may take, empty line included: SocketsHttpHandler's default MaxResponseHeadersLength.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    public const int MaxFields = 256;

    internal const string TooLarge = "response head too large";
    internal const string TooManyFields = "too many header fields";
    internal const string BadVersion = "status line is not HTTP/1.1 or HTTP/1.0";
    internal const string BadStatusLine = "malformed status line";
    internal const string BadStatusCode = "malformed status code";
    internal const string BadReason = "invalid byte in reason phrase";
    internal const string BareLf = "bare LF";
    internal const string BareCr = "bare CR";
    internal const string ObsFold = "obs-fold or whitespace at the start of a field line";
    internal const string BadFieldName = "invalid field name";
    internal const string SpaceBeforeColon = "whitespace before colon";
    internal const string MissingColon = "field line without colon";
    internal const string BadFieldValue = "invalid byte in field value";
    internal const string BadContentLength = "malformed Content-Length";
    internal const string DuplicateContentLength = "duplicate Content-Length";
    internal const string TeWithCl = "Transfer-Encoding with Content-Length";
    internal const string BadTransferEncoding = "Transfer-Encoding other than chunked";
    internal const string DuplicateTransferEncoding = "duplicate Transfer-Encoding";
    internal const string TeInHttp10 = "Transfer-Encoding in an HTTP/1.0 response";
    internal const string BadConnection = "malformed Connection";

    /// <summary>
    /// Parses the head at the start of <paramref name="buffer"/> (bytes received so far) into <paramref name="head"/>
    /// (reset first). Complete: <paramref name="consumed"/> is the head's length including the empty line.
    /// Incomplete: more bytes are needed (only while the buffer is shorter than <see cref="MaxHeadBytes"/> and nothing
    /// seen is invalid). Invalid: <see cref="ResponseHead.Error"/> says why.
    /// </summary>
    public static HeadParseStatus Parse(ReadOnlySpan<byte> buffer, ResponseHead head, out int consumed)
    {
        ArgumentNullException.ThrowIfNull(head);
        head.Reset();
        consumed = 0;
        // Only the first MaxHeadBytes are ever looked at, so a longer buffer gives the same answer as one of exactly that length.
        var window = buffer.Length > MaxHeadBytes ? buffer[..MaxHeadBytes] : buffer;
        var status = ParseStatusLine(window, head, out var position);
        var close = false;
        var keepAlive = false;
        while (status == HeadParseStatus.Complete)
        {
            status = ParseFieldLine(window, ref position, head, ref close, ref keepAlive, out var end);
            if (status == HeadParseStatus.Complete && end)
            {
                // RFC 9112 §9.3: HTTP/1.0 closes unless keep-alive is asked for; "close" always wins.
                head.ConnectionClose = close || (head.Http10 && !keepAlive);
                consumed = position;
                return HeadParseStatus.Complete;
            }
        }
        // RFC 9112 §2.3 leaves the limit to the recipient; without one a backend could make us buffer without end.
        return status == HeadParseStatus.Incomplete && buffer.Length >= MaxHeadBytes ? head.Fail(TooLarge) : status;
    }

    private static HeadParseStatus ParseStatusLine(ReadOnlySpan<byte> window, ResponseHead head, out int next)
    {
        next = 0;
        // RFC 9112 §2.3, §4: exactly "HTTP/1.1" or "HTTP/1.0", case-sensitive, nothing before it (no leading whitespace).
        ReadOnlySpan<byte> prefix = "HTTP/1."u8;
        for (var i = 0; i < prefix.Length; i++)
        {
            if (i == window.Length)
            {
                return HeadParseStatus.Incomplete;
            }
            if (window[i] != prefix[i])
            {
                return head.Fail(BadVersion);
            }
        }
        if (window.Length < 9)
        {
            return HeadParseStatus.Incomplete;
        }
        if (window[7] is not ((byte)'0' or (byte)'1'))
        {
            return head.Fail(BadVersion);
        }
        if (window[8] != SP)
        {
            // "HTTP/1.10" is another version; anything else (two spaces, a tab) breaks the one-SP rule.
            return head.Fail(window[8] is >= (byte)'0' and <= (byte)'9' ? BadVersion : BadStatusLine);
        }
        head.Http10 = window[7] == '0';
        // RFC 9110 §15: status-code = 3DIGIT; a first digit of 0 is no status (< 100).
        var code = 0;
        for (var i = 9; i < 12; i++)
        {
            if (i == window.Length)
            {
                return HeadParseStatus.Incomplete;
            }
            var digit = window[i] - '0';
            if (digit is < 0 or > 9 || (i == 9 && digit == 0))
            {
                return head.Fail(BadStatusCode);
            }
            code = (code * 10) + digit;
        }
        head.StatusCode = code;
        if (window.Length == 12)
        {
            return HeadParseStatus.Incomplete;
        }
        var end = 12;
        if (window[12] == SP)
        {
            // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ): no NUL or other control byte.
            var reasonEnd = window[13..].IndexOfAnyExcept(FieldValue);
            if (reasonEnd < 0)
            {
                return HeadParseStatus.Incomplete;
            }
            end = 13 + reasonEnd;
            head.ReasonLength = reasonEnd;
        }
        else if (window[12] is not (CR or LF))
        {
            return head.Fail(BadStatusCode);
        }
        return EndOfLine(window, end, head, BadReason, out next);
    }

    /// <summary>
    /// Parses one field line (or the empty line ending the head) at <paramref name="position"/>, moving it past the line.
    /// <paramref name="end"/> says the empty line was found.
    /// </summary>
    private static HeadParseStatus ParseFieldLine(
        ReadOnlySpan<byte> window, ref int position, ResponseHead head, ref bool close, ref bool keepAlive, out bool end)
    {
        end = false;
        var start = position;
        if (start == window.Length)
        {
            return HeadParseStatus.Incomplete;
        }
        var first = window[start];
        if (first is CR or LF)
        {
            end = true;
            return EndOfLine(window, start, head, BareCr, out position);
        }
        // RFC 9112 §5.2: obs-fold is rejected (folded values hide fields from one parser but not another); §2.2: so is
        // whitespace between the status line and the first field.
        if (IsWhitespace(first))
        {
            return head.Fail(ObsFold);
        }
        var nameLength = window[start..].IndexOfAnyExcept(Token);
        if (nameLength < 0)
        {
            return HeadParseStatus.Incomplete;
        }
        var colon = start + nameLength;
        if (window[colon] != ':' || nameLength == 0)
        {
            // RFC 9112 §5.1: no whitespace between field name and colon ("Content-Length : 5" smuggles past lenient parsers).
            return head.Fail(
                nameLength == 0 ? BadFieldName
                : IsWhitespace(window[colon]) ? SpaceBeforeColon
                : window[colon] is CR or LF ? MissingColon
                : BadFieldName);
        }
        var valueEnd = window[(colon + 1)..].IndexOfAnyExcept(FieldValue);
        if (valueEnd < 0)
        {
            return HeadParseStatus.Incomplete;
        }
        valueEnd += colon + 1;
        // RFC 9110 §5.5: field values hold no NUL or other control byte; RFC 9112 §2.2: lines end in CRLF only.
        var status = EndOfLine(window, valueEnd, head, BadFieldValue, out var next);
        if (status != HeadParseStatus.Complete)
        {
            return status;
        }
        var raw = window[(colon + 1)..valueEnd];
        var leading = raw.Length - raw.TrimStart(" \t"u8).Length;
        var value = raw[leading..].TrimEnd(" \t"u8);
        if (!head.TryAdd(new HeaderField(start, nameLength, colon + 1 + leading, value.Length)))
        {
            return head.Fail(TooManyFields);
        }
        position = next;
        return ApplyField(window.Slice(start, nameLength), value, head, ref close, ref keepAlive);
    }

    /// <summary>Records what the framing fields say, refusing every combination that lets two parsers frame the body differently.</summary>
    private static HeadParseStatus ApplyField(
        ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, ResponseHead head, ref bool close, ref bool keepAlive)
    {
        if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            // RFC 9112 §6.3: a second Content-Length, even an identical one, is refused rather than merged.
            if (head.ContentLength >= 0)
            {
                return head.Fail(DuplicateContentLength);
            }
            // RFC 9112 §6.3: Transfer-Encoding and Content-Length together are the classic smuggling pair.
            if (head.Chunked)
            {
                return head.Fail(TeWithCl);
            }
            var length = ParseContentLength(value);
            if (length < 0)
            {
                return head.Fail(BadContentLength);
            }
            head.ContentLength = length;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            // RFC 9112 §6.1: HTTP/1.0 has no transfer codings; a 1.0 recipient would read the body another way.
            if (head.Http10)
            {
                return head.Fail(TeInHttp10);
            }
            if (head.Chunked)
            {
                return head.Fail(DuplicateTransferEncoding);
            }
            // Only plain "chunked": a coding list ("gzip, chunked", "chunked, chunked") is framed differently by different parsers.
            if (!Ascii.EqualsIgnoreCase(value, "chunked"u8))
            {
                return head.Fail(BadTransferEncoding);
            }
            if (head.ContentLength >= 0)
            {
                return head.Fail(TeWithCl);
            }
            head.Chunked = true;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
        {
            // RFC 9110 §7.6.1: Connection = #connection-option, tokens compared case-insensitively.
            foreach (var range in value.Split((byte)','))
            {
                var option = value[range].Trim(" \t"u8);
                if (option.IsEmpty)
                {
                    continue; // RFC 9110 §5.6.1.2: empty list elements are ignored.
                }
                if (option.IndexOfAnyExcept(Token) >= 0)
                {
                    return head.Fail(BadConnection);
                }
                var isClose = Ascii.EqualsIgnoreCase(option, "close"u8);
                var isKeepAlive = Ascii.EqualsIgnoreCase(option, "keep-alive"u8);
                close |= isClose;
                keepAlive |= isKeepAlive;
                head.ConnectionNamesFields |= !isClose && !isKeepAlive;
            }
        }
        return HeadParseStatus.Complete;
    }

    /// <summary>RFC 9110 §8.6: 1*DIGIT, here 1-19 digits that fit a long; -1 for anything else (sign, spaces, lists, overflow).</summary>
    private static long ParseContentLength(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > 19)
        {
            return -1;
        }
        long length = 0;
        foreach (var b in value)
        {
            var digit = b - '0';
            if (digit is < 0 or > 9 || length > (long.MaxValue - digit) / 10)
            {
                return -1;
            }
            length = (length * 10) + digit;
        }
        return length;
    }

    /// <summary>
    /// At <paramref name="index"/>, the first byte after a line's content: accepts CRLF only (RFC 9112 §2.2: a bare CR
    /// or bare LF is where parsers disagree on line ends). Any other byte is <paramref name="badByte"/>.
    /// </summary>
    private static HeadParseStatus EndOfLine(ReadOnlySpan<byte> window, int index, ResponseHead head, string badByte, out int next)
    {
        next = index;
        var b = window[index];
        if (b == LF)
        {
            return head.Fail(BareLf);
        }
        if (b != CR)
        {
            return head.Fail(badByte);
        }
        if (index + 1 == window.Length)
        {
            return HeadParseStatus.Incomplete;
        }
        if (window[index + 1] != LF)
        {
            return head.Fail(BareCr);
        }
        next = index + 2;
        return HeadParseStatus.Complete;
    }
}
