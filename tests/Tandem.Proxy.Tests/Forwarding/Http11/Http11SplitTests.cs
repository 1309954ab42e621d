using System.Text;
using Tandem.Proxy.Forwarding.Http11;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// However the bytes arrive, the answer is the one for the whole input: the head grown a byte at a time, the chunked
/// body split at every point and fed a byte at a time, for the whole corpus.
/// </summary>
public sealed class Http11SplitTests
{
    private static readonly string[] ChunkedBodies =
    [
        "5;a=\"b;c\"\r\nhello\r\n0\r\nX-T: 1\r\n\r\nnext",
        "0\r\n\r\n",
        "3\r\nabc\r\n0\r\n\r",
        "5\nhello\n0\n\n",
        "5\r\nhelloXX",
        "ffffffffffffffffff\r\n",
        "0\r\nX-A : 1\r\n\r\n",
        "0\r\nX-A: 1\r\n folded\r\n\r\n",
    ];

    public static TheoryData<string> CaseNames() => Http11DifferentialTests.CaseNames();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Parse_HeadGrownByteByByte_GivesTheWholeInputsAnswer(string name)
    {
        var bytes = Http11Corpus.Cases.Single(c => c.Name == name).Bytes;

        // Past 16 KiB, a prime step keeps the quadratic walk short while still splitting inside every line.
        Http11Splits.AssertHeadSplitInvariant(bytes, bytes.Length > 16 * 1024 ? 509 : 1);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decode_ChunkedBodySplitAnywhere_GivesTheWholeInputsAnswer(string name)
    {
        var bytes = Http11Corpus.Cases.Single(c => c.Name == name).Bytes;
        var head = new ResponseHead();
        if (ResponseHeadParser.Parse(bytes, head, out var consumed) != HeadParseStatus.Complete || !head.Chunked)
        {
            // Not a chunked response: its bytes as a body still must not depend on the split.
            Http11Splits.AssertChunkedSplitInvariant(bytes, everySplit: bytes.Length <= 4096);
            return;
        }
        Http11Splits.AssertChunkedSplitInvariant(bytes[consumed..]);
    }

    [Fact]
    public void Decode_ChunkedBodies_SplitAnywhereGiveTheWholeInputsAnswer()
    {
        foreach (var body in ChunkedBodies)
        {
            Http11Splits.AssertChunkedSplitInvariant(Encoding.Latin1.GetBytes(body));
        }
    }

    [Fact]
    public void Decode_FirstBody_LeavesTheNextResponseUnconsumed()
    {
        var body = Encoding.Latin1.GetBytes(ChunkedBodies[0]);

        var result = Http11Splits.DecodeFed(body, 1, 1);

        Assert.Equal(new ChunkedResult(ChunkStatus.Done, body.Length - 4, "hello", null), result);
    }
}
