using static Tandem.Proxy.Forwarding.Http11.HttpSyntax;

namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>What one <see cref="ChunkedDecoder.Decode"/> call found.</summary>
internal enum ChunkStatus
{
    Data,
    NeedMore,
    Done,
    Invalid,
}

/// <summary>
/// Decodes a chunked body incrementally (RFC 9112 §7.1). A mutable struct held by the connection; <see cref="Reset"/>
/// per response. Framing is read a byte at a time and every byte looked at is consumed (except the offending byte of
/// an Invalid), so the answer never depends on how the input was split and nothing past the end of the message is
/// touched. Strict where lenient decoders disagree (bare LF, missing CRLF after data, oversized sizes): those are
/// Invalid. Allocates nothing; errors are constant strings. Not thread-safe.
/// </summary>
internal struct ChunkedDecoder
{
    /// <summary>The longest chunk-size line, extensions and CR included, LF not: bounds the work an extension can cause.</summary>
    public const int MaxSizeLineBytes = 4 * 1024;

    /// <summary>The most bytes the trailer section may take, its empty line included.</summary>
    public const int MaxTrailerBytes = 64 * 1024;

    internal const string BadSize = "chunk size is not a hex number";
    internal const string SizeOverflow = "chunk size too large";
    internal const string SizeLineTooLong = "chunk size line too long";
    internal const string BadExtension = "malformed chunk extension";
    internal const string MissingDataCrlf = "missing CRLF after chunk data";
    internal const string TrailerTooLarge = "trailer section too large";

    private State _state;
    private long _remaining;
    private int _lineBytes;
    private int _trailerBytes;

    private enum State : byte
    {
        SizeStart,
        Size,
        BeforeSemicolon,
        ExtensionNameStart,
        ExtensionName,
        AfterExtensionName,
        ExtensionValueStart,
        ExtensionToken,
        ExtensionQuoted,
        ExtensionQuotedPair,
        AfterQuotedValue,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        TrailerLineStart,
        TrailerName,
        TrailerValue,
        TrailerLf,
        EndLf,
        Done,
        Invalid,
    }

    /// <summary>Why the body is invalid, short and for a log line; null unless Decode said Invalid.</summary>
    public string? Error { get; private set; }

    public void Reset() => this = default;

    /// <summary>
    /// Decodes from the start of <paramref name="input"/> (the bytes after those consumed before).
    /// Data: body bytes are <c>input.Slice(dataStart, dataLength)</c>; <paramref name="consumed"/> counts everything up to their end.
    /// NeedMore: the <paramref name="consumed"/> framing bytes were used up (may be 0); call again with more input after those.
    /// Done: the last chunk and the trailer section are complete; <paramref name="consumed"/> ends at the end of the message
    /// (bytes after it belong to the next response and are not consumed).
    /// Invalid: <see cref="Error"/> says why.
    /// </summary>
    public ChunkStatus Decode(ReadOnlySpan<byte> input, out int consumed, out int dataStart, out int dataLength)
    {
        consumed = 0;
        dataStart = 0;
        dataLength = 0;
        if (_state == State.Done)
        {
            return ChunkStatus.Done;
        }
        if (_state == State.Invalid)
        {
            return ChunkStatus.Invalid;
        }
        var i = 0;
        while (i < input.Length)
        {
            if (_state == State.Data)
            {
                // A chunk larger than the input comes back in pieces.
                var length = (int)Math.Min(_remaining, input.Length - i);
                _remaining -= length;
                if (_remaining == 0)
                {
                    _state = State.DataCr;
                }
                dataStart = i;
                dataLength = length;
                consumed = i + length;
                return ChunkStatus.Data;
            }
            var error = Step(input[i]);
            if (error is not null)
            {
                consumed = i;
                Error = error;
                _state = State.Invalid;
                return ChunkStatus.Invalid;
            }
            i++;
            if (_state == State.Done)
            {
                consumed = i;
                return ChunkStatus.Done;
            }
        }
        consumed = i;
        return ChunkStatus.NeedMore;
    }

    /// <summary>Moves past one framing byte; returns why it is invalid, or null.</summary>
    private string? Step(byte b)
    {
        if (_state < State.SizeLf)
        {
            if (++_lineBytes > MaxSizeLineBytes)
            {
                return SizeLineTooLong;
            }
        }
        else if (_state >= State.TrailerLineStart && ++_trailerBytes > MaxTrailerBytes)
        {
            // The trailer section is bounded like a head: it is buffered by nobody, but parsed by us.
            return TrailerTooLarge;
        }
        switch (_state)
        {
            case State.SizeStart:
                // RFC 9112 §7.1: chunk-size = 1*HEXDIG: no sign, no "0x", no whitespace before it.
                return Digit(b) ? null : BadSize;
            case State.Size:
                if (HexValue(b) >= 0)
                {
                    return Digit(b) ? null : SizeOverflow;
                }
                return AfterSizeOrValue(b, BadSize);
            case State.BeforeSemicolon:
                // RFC 9112 §7.1.1: BWS is allowed only before ";" (and around "="), never before the CRLF.
                return b == ';' ? To(State.ExtensionNameStart) : IsWhitespace(b) ? null : BadExtension;
            case State.ExtensionNameStart:
                return IsWhitespace(b) ? null : IsToken(b) ? To(State.ExtensionName) : BadExtension;
            case State.ExtensionName:
                if (IsToken(b))
                {
                    return null;
                }
                if (b == '=')
                {
                    return To(State.ExtensionValueStart);
                }
                return IsWhitespace(b) ? To(State.AfterExtensionName) : AfterSizeOrValue(b, BadExtension);
            case State.AfterExtensionName:
                return b == '=' ? To(State.ExtensionValueStart) : b == ';' ? To(State.ExtensionNameStart) : IsWhitespace(b) ? null : BadExtension;
            case State.ExtensionValueStart:
                // chunk-ext-val = token / quoted-string
                return IsWhitespace(b) ? null : b == '"' ? To(State.ExtensionQuoted) : IsToken(b) ? To(State.ExtensionToken) : BadExtension;
            case State.ExtensionToken:
                return IsToken(b) ? null : AfterSizeOrValue(b, BadExtension);
            case State.ExtensionQuoted:
                // RFC 9110 §5.6.4: qdtext is field-vchar, SP and HTAB except '"' and '\'; a CR or LF inside ends nothing.
                return b == '"' ? To(State.AfterQuotedValue) : b == '\\' ? To(State.ExtensionQuotedPair) : IsFieldValue(b) ? null : BadExtension;
            case State.ExtensionQuotedPair:
                return IsFieldValue(b) ? To(State.ExtensionQuoted) : BadExtension;
            case State.AfterQuotedValue:
                return AfterSizeOrValue(b, BadExtension);
            case State.SizeLf:
                // RFC 9112 §7.1: the size line ends in CRLF; a bare CR is where decoders disagree.
                if (b != LF)
                {
                    return ResponseHeadParser.BareCr;
                }
                _lineBytes = 0;
                return To(_remaining == 0 ? State.TrailerLineStart : State.Data);
            case State.DataCr:
                // RFC 9112 §7.1: chunk-data is followed by CRLF; anything else means the size lied.
                return b == CR ? To(State.DataLf) : MissingDataCrlf;
            case State.DataLf:
                return b == LF ? To(State.SizeStart) : MissingDataCrlf;
            case State.TrailerLineStart:
                return b switch
                {
                    CR => To(State.EndLf),
                    LF => ResponseHeadParser.BareLf,
                    // RFC 9112 §5.2: obs-fold is rejected in trailers as in the head.
                    SP or HTAB => ResponseHeadParser.ObsFold,
                    _ => IsToken(b) ? To(State.TrailerName) : ResponseHeadParser.BadFieldName,
                };
            case State.TrailerName:
                return IsToken(b) ? null
                    : b == ':' ? To(State.TrailerValue)
                    : IsWhitespace(b) ? ResponseHeadParser.SpaceBeforeColon
                    : b is CR or LF ? ResponseHeadParser.MissingColon
                    : ResponseHeadParser.BadFieldName;
            case State.TrailerValue:
                return IsFieldValue(b) ? null : b == CR ? To(State.TrailerLf) : b == LF ? ResponseHeadParser.BareLf : ResponseHeadParser.BadFieldValue;
            case State.TrailerLf:
                return b == LF ? To(State.TrailerLineStart) : ResponseHeadParser.BareCr;
            case State.EndLf:
                return b == LF ? To(State.Done) : ResponseHeadParser.BareCr;
            default:
                return BadSize; // Data, Done and Invalid never reach Step.
        }
    }

    /// <summary>Adds a hex digit to the size; false when the size would pass <see cref="long.MaxValue"/>.</summary>
    private bool Digit(byte b)
    {
        var value = HexValue(b);
        if (value < 0)
        {
            return false;
        }
        // No overflow past long.MaxValue: a wrapped size would frame the body differently from a correct decoder.
        if (_remaining > long.MaxValue >> 4)
        {
            return false;
        }
        _remaining = (_remaining << 4) | (uint)value;
        _state = State.Size;
        return true;
    }

    /// <summary>After the size, an extension name or value: BWS, ";" or the CR that ends the size line.</summary>
    private string? AfterSizeOrValue(byte b, string error) => b switch
    {
        CR => To(State.SizeLf),
        LF => ResponseHeadParser.BareLf,
        (byte)';' => To(State.ExtensionNameStart),
        SP or HTAB => To(State.BeforeSemicolon),
        _ => error,
    };

    private string? To(State state)
    {
        _state = state;
        return null;
    }
}
