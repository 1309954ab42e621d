using Tandem.Proxy.Forwarding.Http11;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// A bounded, deterministic fuzz run in the suite: the corpus mutated (bytes flipped, inserted, deleted, duplicated,
/// lines spliced between messages) with a fixed seed, each result checked for escaped exceptions and out-of-bounds
/// offsets, and a sample checked for split invariance. The long, coverage-guided run is fuzz/Tandem.Fuzz.
/// </summary>
public sealed class Http11FuzzTests
{
    private const int Seed = 20261206;
    private const int Cases = 20_000;
    private const int SplitSampleEvery = 97;

    private static readonly byte[] Interesting = [(byte)'\r', (byte)'\n', (byte)' ', (byte)'\t', (byte)':', (byte)',', (byte)';', (byte)'=', (byte)'"', (byte)'0', (byte)'9', (byte)'a', (byte)'f', (byte)'-', 0, 0x7F, 0x80, 0xFF];

    [Fact]
    public void ParseAndDecode_MutatedCorpus_KeepInvariants()
    {
        var random = new Random(Seed);
        var corpus = Http11Corpus.Cases.Where(c => c.Raw.Length <= 16 * 1024).Select(c => c.Bytes).ToArray();
        var head = new ResponseHead();
        var outcomes = new int[3];
        for (var i = 0; i < Cases; i++)
        {
            var input = Mutate(random, corpus);

            var status = ResponseHeadParser.Parse(input, head, out var consumed);
            outcomes[(int)status]++;
            Assert.InRange(consumed, 0, Math.Min(input.Length, ResponseHeadParser.MaxHeadBytes));
            switch (status)
            {
                case HeadParseStatus.Complete:
                    Assert.Null(head.Error);
                    Assert.InRange(head.StatusCode, 100, 999);
                    foreach (var field in head.Fields)
                    {
                        Assert.True(field.NameStart >= 0 && field.NameLength > 0 && field.NameStart + field.NameLength <= consumed);
                        Assert.True(field.ValueStart > field.NameStart && field.ValueLength >= 0 && field.ValueStart + field.ValueLength <= consumed);
                    }
                    Assert.False(head.Chunked && head.ContentLength >= 0);
                    break;
                case HeadParseStatus.Invalid:
                    Assert.NotNull(head.Error);
                    Assert.Equal(0, consumed);
                    break;
                default:
                    Assert.Equal(0, consumed);
                    Assert.True(input.Length < ResponseHeadParser.MaxHeadBytes);
                    break;
            }
            // The decoder gets the body after a complete head, or the whole input as a body.
            var body = status == HeadParseStatus.Complete ? input[consumed..] : input;
            var decoded = Http11Splits.DecodeFed(body, body.Length, body.Length);
            Assert.InRange(decoded.Position, 0, body.Length);
            Assert.Equal(decoded.Status == ChunkStatus.Invalid, decoded.Error is not null);

            if (i % SplitSampleEvery == 0)
            {
                Http11Splits.AssertHeadSplitInvariant(input, input.Length > 4096 ? 61 : 1);
                Http11Splits.AssertChunkedSplitInvariant(body, everySplit: body.Length <= 2048);
            }
        }
        // The mutations must reach every outcome, or the run proves little.
        Assert.True(outcomes.Min() > Cases / 500, "incomplete, complete, invalid: " + string.Join(", ", outcomes));
    }

    private static byte[] Mutate(Random random, byte[][] corpus)
    {
        var bytes = new List<byte>(corpus[random.Next(corpus.Length)]);
        var mutations = 1 + random.Next(4);
        for (var m = 0; m < mutations; m++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(6))
            {
                case 0 when at < bytes.Count:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, random.Next(2) == 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256));
                    break;
                case 2 when at < bytes.Count:
                    bytes.RemoveRange(at, Math.Min(1 + random.Next(4), bytes.Count - at));
                    break;
                case 3 when at < bytes.Count:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(1 + random.Next(16), bytes.Count - at)));
                    break;
                case 4:
                    SpliceLine(random, bytes, corpus[random.Next(corpus.Length)]);
                    break;
                case 5 when at < bytes.Count:
                    bytes[at] = Interesting[random.Next(Interesting.Length)];
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>Copies one line (with its CRLF) of <paramref name="donor"/> to just after a line end of <paramref name="bytes"/>.</summary>
    private static void SpliceLine(Random random, List<byte> bytes, byte[] donor)
    {
        var start = random.Next(donor.Length);
        while (start > 0 && donor[start - 1] != '\n')
        {
            start--;
        }
        var end = Array.IndexOf(donor, (byte)'\n', start);
        var line = donor.AsSpan(start, (end < 0 ? donor.Length : end + 1) - start);
        var at = random.Next(bytes.Count + 1);
        while (at > 0 && bytes[at - 1] != '\n')
        {
            at--;
        }
        bytes.InsertRange(at, line.ToArray());
    }
}
