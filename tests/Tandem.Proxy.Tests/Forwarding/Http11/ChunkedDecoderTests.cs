using System.Text;
using Tandem.Proxy.Forwarding.Http11;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>One test or row per rule of <see cref="ChunkedDecoder"/>: valid framings, extensions, trailers, and every invalid shape with its reason.</summary>
public sealed class ChunkedDecoderTests
{
    private static string? Decode(string body, out string? error)
    {
        var data = Http11Reader.DecodeChunked(Encoding.Latin1.GetBytes(body), out error);
        return data is null ? null : Encoding.Latin1.GetString(data);
    }

    private static void AssertInvalid(string body, string error)
    {
        Assert.Null(Decode(body, out var actual));
        Assert.Equal(error, actual);
    }

    [Theory]
    [InlineData("0\r\n\r\n", "")]
    [InlineData("5\r\nhello\r\n0\r\n\r\n", "hello")]
    [InlineData("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world")]
    [InlineData("A\r\n0123456789\r\n0\r\n\r\n", "0123456789")]
    [InlineData("a\r\n0123456789\r\n0\r\n\r\n", "0123456789")]
    [InlineData("0000000000000000000005\r\nhello\r\n000\r\n\r\n", "hello")] // leading zeros beyond 16 digits
    public void Decode_ValidBody_GivesData(string body, string data) => Assert.Equal(data, Decode(body, out _));

    [Theory]
    [InlineData("5;name\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;name=value\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5 ; a ; b = c\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;q=\"quoted ; \\\" \\\\ value\"\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;q=\"\"\r\nhello\r\n0;last=1\r\n\r\n")]
    [InlineData("5;a=\"x\" ;b\r\nhello\r\n0\r\n\r\n")]
    public void Decode_ChunkExtensions_AreSkipped(string body) => Assert.Equal("hello", Decode(body, out _));

    [Theory]
    [InlineData("5;\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;=v\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=b c\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=\"open\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=\"x\"y\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a=b\0\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a \r\nhello\r\n0\r\n\r\n")]
    [InlineData("5 \r\nhello\r\n0\r\n\r\n")]
    [InlineData("5x\r\nhello\r\n0\r\n\r\n")]
    public void Decode_MalformedSizeLine_IsInvalid(string body) => Assert.Null(Decode(body, out _));

    [Theory]
    [InlineData("0x5\r\nhello\r\n0\r\n\r\n", ChunkedDecoder.BadSize)]
    [InlineData("-5\r\nhello\r\n0\r\n\r\n", ChunkedDecoder.BadSize)]
    [InlineData("+5\r\nhello\r\n0\r\n\r\n", ChunkedDecoder.BadSize)]
    [InlineData(" 5\r\nhello\r\n0\r\n\r\n", ChunkedDecoder.BadSize)]
    [InlineData("\r\nhello\r\n0\r\n\r\n", ChunkedDecoder.BadSize)]
    [InlineData("g\r\nhello\r\n0\r\n\r\n", ChunkedDecoder.BadSize)]
    [InlineData("8000000000000000\r\n", ChunkedDecoder.SizeOverflow)]
    [InlineData("ffffffffffffffffff\r\nhello\r\n0\r\n\r\n", ChunkedDecoder.SizeOverflow)]
    public void Decode_BadChunkSize_IsInvalid(string body, string error) => AssertInvalid(body, error);

    [Fact]
    public void Decode_LargestSize_IsAccepted()
    {
        var decoder = new ChunkedDecoder();
        var status = decoder.Decode("7fffffffffffffff\r\nab"u8, out var consumed, out var start, out var length);

        Assert.Equal(ChunkStatus.Data, status);
        Assert.Equal((20, 18, 2), (consumed, start, length));
    }

    [Theory]
    [InlineData("5\r\nhelloXX0\r\n\r\n", ChunkedDecoder.MissingDataCrlf)]
    [InlineData("5\r\nhello\n0\r\n\r\n", ChunkedDecoder.MissingDataCrlf)]
    [InlineData("5\r\nhello\rX0\r\n\r\n", ChunkedDecoder.MissingDataCrlf)]
    [InlineData("5\nhello\r\n0\r\n\r\n", ResponseHeadParser.BareLf)]
    [InlineData("5\rhello\r\n0\r\n\r\n", ResponseHeadParser.BareCr)]
    [InlineData("0\r\n\n", ResponseHeadParser.BareLf)]
    [InlineData("0\r\n\rX", ResponseHeadParser.BareCr)]
    public void Decode_BadLineEnds_AreInvalid(string body, string error) => AssertInvalid(body, error);

    [Fact]
    public void Decode_LfOnlyLines_AreInvalid() => AssertInvalid("5\nhello\n0\n\n", ResponseHeadParser.BareLf);

    [Fact]
    public void Decode_SizeLineAtLimit_IsAcceptedAndOneByteMoreIsInvalid()
    {
        var fits = "5;a=" + new string('x', ChunkedDecoder.MaxSizeLineBytes - 5);
        Assert.Equal("hello", Decode(fits + "\r\nhello\r\n0\r\n\r\n", out _));
        AssertInvalid(fits + "x\r\nhello\r\n0\r\n\r\n", ChunkedDecoder.SizeLineTooLong);
        AssertInvalid(new string('0', ChunkedDecoder.MaxSizeLineBytes + 1) + "\r\n\r\n", ChunkedDecoder.SizeLineTooLong);
    }

    [Fact]
    public void Decode_Trailers_AreValidatedAndDiscarded() =>
        Assert.Equal("abc", Decode("3\r\nabc\r\n0\r\nX-Checksum: abc\r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n", out _));

    [Theory]
    [InlineData("X-A : 1", ResponseHeadParser.SpaceBeforeColon)]
    [InlineData("X-A: 1\r\n folded", ResponseHeadParser.ObsFold)]
    [InlineData(" X-A: 1", ResponseHeadParser.ObsFold)]
    [InlineData("X-A: a\0b", ResponseHeadParser.BadFieldValue)]
    [InlineData("X-A: a\rb", ResponseHeadParser.BareCr)]
    [InlineData("X-A: a\nX-B: b", ResponseHeadParser.BareLf)]
    [InlineData("NoColon", ResponseHeadParser.MissingColon)]
    [InlineData(": v", ResponseHeadParser.BadFieldName)]
    [InlineData("X(A): v", ResponseHeadParser.BadFieldName)]
    public void Decode_BadTrailerField_IsInvalid(string line, string error) => AssertInvalid("0\r\n" + line + "\r\n\r\n", error);

    [Fact]
    public void Decode_TrailersAtLimit_AreAcceptedAndOneByteMoreIsInvalid()
    {
        var field = "X-T: " + new string('t', ChunkedDecoder.MaxTrailerBytes - 9) + "\r\n\r\n";
        Assert.Equal(ChunkedDecoder.MaxTrailerBytes, field.Length);
        Assert.Equal("", Decode("0\r\n" + field, out _));
        AssertInvalid("0\r\nX" + field, ChunkedDecoder.TrailerTooLarge);
    }

    [Fact]
    public void Decode_BigChunk_ComesInPiecesAsInputArrives()
    {
        var decoder = new ChunkedDecoder();
        Assert.Equal(ChunkStatus.Data, decoder.Decode("a\r\n0123"u8, out var consumed, out var start, out var length));
        Assert.Equal((7, 3, 4), (consumed, start, length));
        Assert.Equal(ChunkStatus.Data, decoder.Decode("456789\r"u8, out consumed, out start, out length));
        Assert.Equal((6, 0, 6), (consumed, start, length));
        Assert.Equal(ChunkStatus.NeedMore, decoder.Decode("\r"u8, out consumed, out _, out _));
        Assert.Equal(1, consumed);
        Assert.Equal(ChunkStatus.NeedMore, decoder.Decode(""u8, out consumed, out _, out _));
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void Decode_Done_StopsAtEndOfMessageAndStaysDone()
    {
        var decoder = new ChunkedDecoder();
        var input = "0\r\nX-A: 1\r\n\r\nHTTP/1.1 200 OK\r\n"u8;

        Assert.Equal(ChunkStatus.Done, decoder.Decode(input, out var consumed, out _, out _));
        Assert.Equal(13, consumed);
        Assert.Equal(ChunkStatus.Done, decoder.Decode(input[consumed..], out consumed, out _, out _));
        Assert.Equal(0, consumed);

        decoder.Reset();
        Assert.Equal(ChunkStatus.Data, decoder.Decode("1\r\nx"u8, out _, out _, out _));
    }

    [Fact]
    public void Decode_Invalid_StaysInvalidUntilReset()
    {
        var decoder = new ChunkedDecoder();
        Assert.Equal(ChunkStatus.Invalid, decoder.Decode("z"u8, out var consumed, out _, out _));
        Assert.Equal(0, consumed);
        Assert.Equal(ChunkStatus.Invalid, decoder.Decode("0\r\n\r\n"u8, out _, out _, out _));

        decoder.Reset();
        Assert.Null(decoder.Error);
        Assert.Equal(ChunkStatus.Done, decoder.Decode("0\r\n\r\n"u8, out _, out _, out _));
    }

    [Fact]
    public void Decode_WholeBody_AllocatesNothing()
    {
        var body = Encoding.Latin1.GetBytes("5;a=\"b\"\r\nhello\r\n0\r\nX-A: 1\r\n\r\n");
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            var decoder = new ChunkedDecoder();
            var position = 0;
            while (decoder.Decode(body.AsSpan(position), out var consumed, out _, out _) == ChunkStatus.Data)
            {
                position += consumed;
            }
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
