namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>Whether <see cref="ResponseHeadParser.Parse"/> found a whole head, needs more bytes, or refuses the bytes.</summary>
internal enum HeadParseStatus
{
    Incomplete,
    Complete,
    Invalid,
}

/// <summary>One header field of a parsed head: offsets into the buffer that was parsed (value without surrounding OWS).</summary>
internal readonly record struct HeaderField(int NameStart, int NameLength, int ValueStart, int ValueLength);

/// <summary>
/// A parsed response head, reused per connection (<see cref="Reset"/> between responses). Holds no copy of the
/// bytes: <see cref="Fields"/> are offsets into the buffer given to <see cref="ResponseHeadParser.Parse"/>. The field
/// array is allocated once, at <see cref="ResponseHeadParser.MaxFields"/>. Not thread-safe: one connection owns it.
/// </summary>
internal sealed class ResponseHead
{
    private readonly HeaderField[] _fields = new HeaderField[ResponseHeadParser.MaxFields];

    public int StatusCode { get; set; }

    /// <summary>Where the reason phrase starts in the head: after "HTTP/1.1 200 ".</summary>
    public const int ReasonStart = 13;

    /// <summary>The reason phrase's length (from <see cref="ReasonStart"/>); 0 when there is none.</summary>
    public int ReasonLength { get; set; }

    /// <summary>Whether the status line said <c>HTTP/1.0</c>.</summary>
    public bool Http10 { get; set; }

    /// <summary>The Content-Length; -1 when there was none.</summary>
    public long ContentLength { get; set; } = -1;

    /// <summary>Whether <c>Transfer-Encoding: chunked</c> frames the body (the only coding accepted).</summary>
    public bool Chunked { get; set; }

    /// <summary><c>Connection: close</c>, or HTTP/1.0 without <c>Connection: keep-alive</c>: the connection ends after this response.</summary>
    public bool ConnectionClose { get; set; }

    /// <summary>Whether a <c>Connection</c> field had an option besides <c>close</c> and <c>keep-alive</c>: it may name fields to drop.</summary>
    public bool ConnectionNamesFields { get; set; }

    /// <summary>How many header fields <see cref="Fields"/> holds (all of them, in order, framing fields included).</summary>
    public int FieldCount { get; private set; }

    public ReadOnlySpan<HeaderField> Fields => _fields.AsSpan(0, FieldCount);

    /// <summary>Why the head is invalid, short and for a log line; null unless the last parse said Invalid.</summary>
    public string? Error { get; private set; }

    public void Reset()
    {
        StatusCode = 0;
        ReasonLength = 0;
        Http10 = false;
        ContentLength = -1;
        Chunked = false;
        ConnectionClose = false;
        ConnectionNamesFields = false;
        FieldCount = 0;
        Error = null;
    }

    /// <summary>Appends a field; false when <see cref="ResponseHeadParser.MaxFields"/> are already held.</summary>
    internal bool TryAdd(HeaderField field)
    {
        if (FieldCount == _fields.Length)
        {
            return false;
        }
        _fields[FieldCount++] = field;
        return true;
    }

    /// <summary>Records why the head is invalid and returns <see cref="HeadParseStatus.Invalid"/>.</summary>
    internal HeadParseStatus Fail(string error)
    {
        Error = error;
        return HeadParseStatus.Invalid;
    }
}
