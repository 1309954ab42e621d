using System.Text;
using Tandem.Proxy.Forwarding.Http11;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>One test or row per rule of <see cref="ResponseHeadParser"/>: what it accepts, and every smuggling shape it refuses with its reason.</summary>
public sealed class ResponseHeadParserTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\n";

    private static (HeadParseStatus Status, ResponseHead Head, int Consumed) Parse(string text)
    {
        var head = new ResponseHead();
        var status = ResponseHeadParser.Parse(Encoding.Latin1.GetBytes(text), head, out var consumed);
        return (status, head, consumed);
    }

    private static void AssertInvalid(string text, string error)
    {
        var (status, head, _) = Parse(text);
        Assert.Equal(HeadParseStatus.Invalid, status);
        Assert.Equal(error, head.Error);
    }

    [Fact]
    public void Parse_ContentLengthHead_FillsHeadAndFieldsInOrder()
    {
        var text = Ok + "Content-Length: 5\r\nX-A:  \tv a l \t\r\nX-Empty:\r\n\r\nhello";
        var (status, head, consumed) = Parse(text);

        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.Equal(text.Length - 5, consumed);
        Assert.Equal(200, head.StatusCode);
        Assert.False(head.Http10);
        Assert.Equal(5, head.ContentLength);
        Assert.False(head.Chunked);
        Assert.False(head.ConnectionClose);
        Assert.Null(head.Error);
        Assert.Equal(3, head.FieldCount);
        string Name(int i) => text.Substring(head.Fields[i].NameStart, head.Fields[i].NameLength);
        string Value(int i) => text.Substring(head.Fields[i].ValueStart, head.Fields[i].ValueLength);
        Assert.Equal(["Content-Length", "X-A", "X-Empty"], [Name(0), Name(1), Name(2)]);
        Assert.Equal(["5", "v a l", ""], [Value(0), Value(1), Value(2)]);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", "OK")]
    [InlineData("HTTP/1.0 299 Fine  Thanks\r\n\r\n", "Fine  Thanks")]
    [InlineData("HTTP/1.1 200 \r\n\r\n", "")]
    [InlineData("HTTP/1.1 200\r\n\r\n", "")]
    public void Parse_StatusLine_ReasonPhraseFoundAfterTheCode(string text, string reason)
    {
        var (status, head, _) = Parse(text);

        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.Equal(reason, text.Substring(ResponseHead.ReasonStart, head.ReasonLength));
    }

    [Theory]
    [InlineData("HTTP/1.1 200\r\n\r\n", 200)]
    [InlineData("HTTP/1.1 404 \r\n\r\n", 404)]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\n", 100)]
    [InlineData("HTTP/1.1 999 Whatever\r\n\r\n", 999)]
    [InlineData("HTTP/1.1 200 \u00c9t\u00e9\tok\r\n\r\n", 200)]
    public void Parse_ValidStatusLine_GivesCode(string text, int code)
    {
        var (status, head, consumed) = Parse(text);

        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.Equal(code, head.StatusCode);
        Assert.Equal(text.Length, consumed);
    }

    [Theory]
    [InlineData("HTTP/2.0 200 OK\r\n\r\n", ResponseHeadParser.BadVersion)]
    [InlineData("HTTP/1.2 200 OK\r\n\r\n", ResponseHeadParser.BadVersion)]
    [InlineData("HTTP/1.10 200 OK\r\n\r\n", ResponseHeadParser.BadVersion)]
    [InlineData("http/1.1 200 OK\r\n\r\n", ResponseHeadParser.BadVersion)]
    [InlineData(" HTTP/1.1 200 OK\r\n\r\n", ResponseHeadParser.BadVersion)]
    [InlineData("\r\nHTTP/1.1 200 OK\r\n\r\n", ResponseHeadParser.BadVersion)]
    [InlineData("HTTP/1.1\t200 OK\r\n\r\n", ResponseHeadParser.BadStatusLine)]
    [InlineData("HTTP/1.1  200 OK\r\n\r\n", ResponseHeadParser.BadStatusCode)]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n", ResponseHeadParser.BadStatusCode)]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n", ResponseHeadParser.BadStatusCode)]
    [InlineData("HTTP/1.1 099 Low\r\n\r\n", ResponseHeadParser.BadStatusCode)]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n", ResponseHeadParser.BadStatusCode)]
    [InlineData("HTTP/1.1 200 O\0K\r\n\r\n", ResponseHeadParser.BadReason)]
    [InlineData("HTTP/1.1 200 O\u007fK\r\n\r\n", ResponseHeadParser.BadReason)]
    [InlineData("HTTP/1.1 200 OK\n\r\n", ResponseHeadParser.BareLf)]
    [InlineData("HTTP/1.1 200 OK\rX\n\r\n", ResponseHeadParser.BareCr)]
    public void Parse_BadStatusLine_IsInvalid(string text, string error) => AssertInvalid(text, error);

    [Fact]
    public void Parse_Http10_ClosesUnlessKeepAlive()
    {
        Assert.True(Parse("HTTP/1.0 200 OK\r\n\r\n").Head.ConnectionClose);
        var keepAlive = Parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n").Head;
        Assert.True(keepAlive.Http10);
        Assert.False(keepAlive.ConnectionClose);
        Assert.True(Parse("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n\r\n").Head.ConnectionClose);
    }

    [Theory]
    [InlineData("Connection: close", true)]
    [InlineData("Connection: CLOSE", true)]
    [InlineData("Connection: upgrade ,, close ", true)]
    [InlineData("Connection: keep-alive", false)]
    [InlineData("Connection: closed", false)]
    [InlineData("Connection:", false)]
    public void Parse_Connection_SetsClose(string field, bool close)
    {
        var (status, head, _) = Parse(Ok + field + "\r\n\r\n");

        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.Equal(close, head.ConnectionClose);
    }

    [Theory]
    [InlineData("Connection: close?")]
    [InlineData("Connection: keep alive")]
    public void Parse_ConnectionNotTokens_IsInvalid(string field) => AssertInvalid(Ok + field + "\r\n\r\n", ResponseHeadParser.BadConnection);

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("007", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Parse_ContentLength_IsRead(string value, long length) =>
        Assert.Equal(length, Parse(Ok + "content-length: " + value + "\r\n\r\n").Head.ContentLength);

    [Theory]
    [InlineData("+5")]
    [InlineData("-1")]
    [InlineData("5 5")]
    [InlineData("5,5")]
    [InlineData("5, 5")]
    [InlineData("0x5")]
    [InlineData("")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999")]
    [InlineData("00000000000000000001")]
    [InlineData("\u0665")] // a non-ASCII digit
    public void Parse_MalformedContentLength_IsInvalid(string value) =>
        AssertInvalid(Ok + "Content-Length: " + value + "\r\n\r\n", ResponseHeadParser.BadContentLength);

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 5")]
    [InlineData("Content-Length: 5\r\ncontent-length: 3")]
    public void Parse_SecondContentLength_IsInvalid(string fields) =>
        AssertInvalid(Ok + fields + "\r\n\r\n", ResponseHeadParser.DuplicateContentLength);

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 5")]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked")]
    public void Parse_TransferEncodingWithContentLength_IsInvalid(string fields) =>
        AssertInvalid(Ok + fields + "\r\n\r\n", ResponseHeadParser.TeWithCl);

    [Theory]
    [InlineData("chunked")]
    [InlineData("CHUNKED")]
    [InlineData(" \tChunked \t")]
    public void Parse_Chunked_IsAccepted(string value)
    {
        var (status, head, _) = Parse(Ok + "Transfer-Encoding:" + value + "\r\n\r\n");

        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.True(head.Chunked);
        Assert.Equal(-1, head.ContentLength);
    }

    [Theory]
    [InlineData("gzip, chunked")]
    [InlineData("chunked, chunked")]
    [InlineData("chunked, identity")]
    [InlineData("identity")]
    [InlineData("xchunked")]
    [InlineData("chunked;q=1")]
    [InlineData("")]
    public void Parse_TransferEncodingOtherThanChunked_IsInvalid(string value) =>
        AssertInvalid(Ok + "Transfer-Encoding: " + value + "\r\n\r\n", ResponseHeadParser.BadTransferEncoding);

    [Fact]
    public void Parse_SecondTransferEncoding_IsInvalid() =>
        AssertInvalid(Ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", ResponseHeadParser.DuplicateTransferEncoding);

    [Fact]
    public void Parse_TransferEncodingInHttp10_IsInvalid() =>
        AssertInvalid("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", ResponseHeadParser.TeInHttp10);

    [Theory]
    [InlineData("X-A: 1\r\n folded", ResponseHeadParser.ObsFold)]
    [InlineData("X-A: 1\r\n\tfolded", ResponseHeadParser.ObsFold)]
    [InlineData(" X-A: 1", ResponseHeadParser.ObsFold)]
    [InlineData("X-A: a\0b", ResponseHeadParser.BadFieldValue)]
    [InlineData("X-A: a\u0001b", ResponseHeadParser.BadFieldValue)]
    [InlineData("X-A: a\u007fb", ResponseHeadParser.BadFieldValue)]
    [InlineData("X-A: a\rb", ResponseHeadParser.BareCr)]
    [InlineData("X-A: a\nX-B: b", ResponseHeadParser.BareLf)]
    [InlineData("Content-Length : 5", ResponseHeadParser.SpaceBeforeColon)]
    [InlineData("Content-Length\t: 5", ResponseHeadParser.SpaceBeforeColon)]
    [InlineData("Content-Length 5", ResponseHeadParser.SpaceBeforeColon)]
    [InlineData("NoColon", ResponseHeadParser.MissingColon)]
    [InlineData(": empty name", ResponseHeadParser.BadFieldName)]
    [InlineData("X(A): 1", ResponseHeadParser.BadFieldName)]
    [InlineData("X-\u00e9: 1", ResponseHeadParser.BadFieldName)]
    public void Parse_BadFieldLine_IsInvalid(string line, string error) => AssertInvalid(Ok + line + "\r\n\r\n", error);

    [Fact]
    public void Parse_BareLfEndingHead_IsInvalid() => AssertInvalid(Ok + "X-A: 1\r\n\n", ResponseHeadParser.BareLf);

    [Fact]
    public void Parse_BareCrEndingHead_IsInvalid() => AssertInvalid(Ok + "X-A: 1\r\n\rX", ResponseHeadParser.BareCr);

    [Theory]
    [InlineData("X-A: a\0")] // no line end yet
    [InlineData("X-A: a\n")]
    [InlineData("X-A : ")]
    [InlineData(" ")]
    public void Parse_OffendingByteWithoutMoreInput_IsInvalidAtOnce(string partial) =>
        Assert.Equal(HeadParseStatus.Invalid, Parse(Ok + partial).Status);

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.")]
    [InlineData("HTTP/1.1 20")]
    [InlineData("HTTP/1.1 200")]
    [InlineData("HTTP/1.1 200 OK\r")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: 1")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: 1\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: 1\r\n\r")]
    public void Parse_PrefixOfValidHead_IsIncomplete(string text)
    {
        var (status, _, consumed) = Parse(text);

        Assert.Equal(HeadParseStatus.Incomplete, status);
        Assert.Equal(0, consumed);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(204)]
    [InlineData(304)]
    public void Parse_NoBodyStatusWithContentLength_IsComplete(int code)
    {
        var (status, head, _) = Parse($"HTTP/1.1 {code} X\r\nContent-Length: 10\r\n\r\n");

        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.Equal(10, head.ContentLength);
    }

    [Fact]
    public void Parse_HeadAtLimit_IsCompleteAndOneByteMoreIsTooLarge()
    {
        var prefix = Ok + "X-Big: ";
        var fits = prefix + new string('b', ResponseHeadParser.MaxHeadBytes - prefix.Length - 4) + "\r\n\r\n";
        Assert.Equal(ResponseHeadParser.MaxHeadBytes, fits.Length);
        Assert.Equal(HeadParseStatus.Complete, Parse(fits).Status);

        var tooLarge = prefix + new string('b', ResponseHeadParser.MaxHeadBytes - prefix.Length - 3) + "\r\n\r\n";
        AssertInvalid(tooLarge, ResponseHeadParser.TooLarge);
        AssertInvalid(tooLarge[..ResponseHeadParser.MaxHeadBytes], ResponseHeadParser.TooLarge);
        Assert.Equal(HeadParseStatus.Incomplete, Parse(tooLarge[..(ResponseHeadParser.MaxHeadBytes - 1)]).Status);
    }

    [Fact]
    public void Parse_MaxFields_IsCompleteAndOneMoreIsInvalid()
    {
        var fields = new StringBuilder();
        for (var i = 0; i < ResponseHeadParser.MaxFields; i++)
        {
            fields.Append("X-").Append(i).Append(": v\r\n");
        }
        var (status, head, _) = Parse(Ok + fields + "\r\n");
        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.Equal(ResponseHeadParser.MaxFields, head.FieldCount);

        AssertInvalid(Ok + fields + "X-Last: v\r\n\r\n", ResponseHeadParser.TooManyFields);
    }

    [Fact]
    public void Parse_ReusedHead_IsResetFirst()
    {
        var head = new ResponseHead();
        ResponseHeadParser.Parse(Encoding.Latin1.GetBytes(Ok + "Content-Length : 5\r\n\r\n"), head, out _);
        var status = ResponseHeadParser.Parse(Encoding.Latin1.GetBytes("HTTP/1.1 204 No\r\nX-A: 1\r\n\r\n"), head, out _);

        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.Null(head.Error);
        Assert.Equal(-1, head.ContentLength);
        Assert.Equal(1, head.FieldCount);
    }

    [Fact]
    public void Parse_CompleteHead_AllocatesNothing()
    {
        var bytes = Encoding.Latin1.GetBytes(Ok + "Transfer-Encoding: chunked\r\nConnection: keep-alive, close\r\nX-A: 1\r\n\r\n");
        var invalid = Encoding.Latin1.GetBytes(Ok + "Content-Length: 1\r\nContent-Length: 1\r\n\r\n");
        var head = new ResponseHead();
        ResponseHeadParser.Parse(bytes, head, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ResponseHeadParser.Parse(bytes, head, out _);
            ResponseHeadParser.Parse(invalid, head, out _);
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
