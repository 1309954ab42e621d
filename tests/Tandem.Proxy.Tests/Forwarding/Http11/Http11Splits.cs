using Tandem.Proxy.Forwarding.Http11;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>The result of one head parse, comparable across splits of the input.</summary>
internal readonly record struct HeadResult(
    HeadParseStatus Status, int Consumed, string? Error, int Code, long ContentLength, bool Chunked, bool Close, string Fields);

/// <summary>The result of decoding one chunked body, comparable across splits of the input.</summary>
internal readonly record struct ChunkedResult(ChunkStatus Status, int Position, string Data, string? Error);

/// <summary>Drives the parsers over inputs that arrive in pieces, as a connection would, for the split and fuzz tests.</summary>
internal static class Http11Splits
{
    public static HeadResult ParseHead(ReadOnlySpan<byte> buffer, ResponseHead head)
    {
        var status = ResponseHeadParser.Parse(buffer, head, out var consumed);
        var fields = new System.Text.StringBuilder();
        foreach (var field in head.Fields)
        {
            fields.Append(field.NameStart).Append(',').Append(field.NameLength).Append(',')
                .Append(field.ValueStart).Append(',').Append(field.ValueLength).Append(';');
        }
        return new(status, consumed, head.Error, head.StatusCode, head.ContentLength, head.Chunked, head.ConnectionClose, fields.ToString());
    }

    /// <summary>
    /// Grows the buffer <paramref name="step"/> bytes at a time (the last step taking the whole input) and asserts every
    /// prefix is Incomplete until the first answer, and every later prefix gives that same answer, which must equal
    /// the answer for the whole input.
    /// </summary>
    public static void AssertHeadSplitInvariant(byte[] bytes, int step = 1)
    {
        var head = new ResponseHead();
        var whole = ParseHead(bytes, head);
        HeadResult? first = null;
        for (var length = 0; ; length = Math.Min(length + step, bytes.Length))
        {
            var result = ParseHead(bytes.AsSpan(0, length), head);
            if (first is null && result.Status != HeadParseStatus.Incomplete)
            {
                first = result;
            }
            if (first is not null)
            {
                Assert.Equal(first.Value, result);
            }
            if (length == bytes.Length)
            {
                break;
            }
        }
        Assert.Equal(first ?? whole, whole);
    }

    /// <summary>
    /// Decodes <paramref name="body"/> with the input made available first up to <paramref name="first"/> bytes and
    /// then <paramref name="step"/> more at a time. Asserts NeedMore always consumed everything offered.
    /// </summary>
    public static ChunkedResult DecodeFed(byte[] body, int first, int step)
    {
        var decoder = new ChunkedDecoder();
        var data = new System.Text.StringBuilder();
        var position = 0;
        var available = Math.Min(first, body.Length);
        for (var calls = 0; calls < (body.Length * 3) + 16; calls++)
        {
            var status = decoder.Decode(body.AsSpan(position, available - position), out var consumed, out var start, out var length);
            Assert.InRange(consumed, 0, available - position);
            switch (status)
            {
                case ChunkStatus.Data:
                    Assert.True(length > 0 && start + length == consumed);
                    data.Append(System.Text.Encoding.Latin1.GetString(body, position + start, length));
                    position += consumed;
                    break;
                case ChunkStatus.NeedMore:
                    position += consumed;
                    Assert.Equal(available, position);
                    if (available == body.Length)
                    {
                        return new(status, position, data.ToString(), null);
                    }
                    available = Math.Min(available + step, body.Length);
                    break;
                default:
                    return new(status, position + consumed, data.ToString(), decoder.Error);
            }
        }
        Assert.Fail("the decoder made no progress");
        return default;
    }

    /// <summary>Asserts that every split point and one-byte feeding give the answer of the whole input.</summary>
    public static void AssertChunkedSplitInvariant(byte[] body, bool everySplit = true)
    {
        var whole = DecodeFed(body, body.Length, body.Length);
        Assert.Equal(whole, DecodeFed(body, 1, 1));
        if (everySplit)
        {
            for (var split = 0; split < body.Length; split++)
            {
                Assert.Equal(whole, DecodeFed(body, split, body.Length));
            }
        }
    }
}
