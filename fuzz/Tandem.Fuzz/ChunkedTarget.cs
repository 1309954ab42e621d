using Tandem.Proxy.Forwarding.Http11;
using static Tandem.Fuzz.InvariantViolationException;

namespace Tandem.Fuzz;

/// <summary>
/// Feeds the input as a chunked body to <see cref="ChunkedDecoder"/>: whole, in two pieces split where the input says,
/// and a byte at a time. Every feeding must give the same status, end position, data and error; each call must keep
/// its contract (Data is a non-empty slice ending at what was consumed, NeedMore consumes everything offered, Invalid
/// names an error, Done ends on the LF of the last CRLF); decoded data never outgrows the input.
/// </summary>
internal static class ChunkedTarget
{
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    public static void Run(ReadOnlySpan<byte> input)
    {
        var whole = Decode(input, input.Length, input.Length);
        Check(whole.DataLength <= whole.Position && whole.Position <= input.Length, "decoded more than the input holds");
        Check(whole.Status != ChunkStatus.Done || input[..whole.Position].EndsWith("\r\n"u8), "Done not at a CRLF");
        Check(whole.Status != ChunkStatus.Done || whole.Position >= 5, "Done before a last chunk and an empty line");

        // A split point taken from the input, so afl-fuzz can steer it.
        var split = input.IsEmpty ? 0 : (input[0] + (input[^1] << 8)) % (input.Length + 1);
        Check(Decode(input, split, input.Length) == whole, "two pieces give another answer than the whole input");
        Check(Decode(input, 1, 1) == whole, "a byte at a time gives another answer than the whole input");
    }

    /// <summary>
    /// Decodes with the first <paramref name="first"/> bytes available, then <paramref name="step"/> more per NeedMore,
    /// as a connection would, checking the contract of every call.
    /// </summary>
    private static ChunkedAnswer Decode(ReadOnlySpan<byte> input, int first, int step)
    {
        var decoder = new ChunkedDecoder();
        var data = FnvOffset;
        var dataLength = 0;
        var position = 0;
        var available = Math.Min(first, input.Length);
        // Each call consumes a byte or more, or asks for more input; anything beyond that is a decoder that is stuck.
        for (var calls = 0; calls < (input.Length * 3) + 16; calls++)
        {
            var offered = input[position..available];
            var status = decoder.Decode(offered, out var consumed, out var start, out var length);
            Check(consumed >= 0 && consumed <= offered.Length, "consumed outside the input offered");
            switch (status)
            {
                case ChunkStatus.Data:
                    Check(length > 0 && start >= 0 && start + length == consumed, "Data is not a non-empty slice ending at consumed");
                    data = Fnv(data, offered.Slice(start, length));
                    dataLength += length;
                    position += consumed;
                    break;
                case ChunkStatus.NeedMore:
                    Check(consumed == offered.Length, "NeedMore left offered bytes unconsumed");
                    Check(decoder.Error is null, "NeedMore with an error");
                    position += consumed;
                    if (available == input.Length)
                    {
                        return new(status, position, dataLength, data, null);
                    }
                    available = Math.Min(available + step, input.Length);
                    break;
                case ChunkStatus.Done:
                    Check(decoder.Error is null, "Done with an error");
                    CheckStaysDone(ref decoder, input[(position + consumed)..available]);
                    return new(status, position + consumed, dataLength, data, null);
                case ChunkStatus.Invalid:
                    Check(decoder.Error is not null, "Invalid without an error");
                    var error = decoder.Error;
                    Check(decoder.Decode("0\r\n\r\n"u8, out var after, out _, out _) == ChunkStatus.Invalid && after == 0,
                        "Invalid did not stay Invalid");
                    return new(status, position + consumed, dataLength, data, error);
                default:
                    throw new InvariantViolationException("unknown status " + status);
            }
        }
        throw new InvariantViolationException("the decoder made no progress");
    }

    /// <summary>FNV-1a over the data a byte at a time, so the digest does not depend on how the data was cut into pieces.</summary>
    private static ulong Fnv(ulong digest, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            digest = (digest ^ b) * FnvPrime;
        }
        return digest;
    }

    /// <summary>After Done, bytes belong to the next response: nothing more is consumed.</summary>
    private static void CheckStaysDone(ref ChunkedDecoder decoder, ReadOnlySpan<byte> rest) =>
        Check(decoder.Decode(rest, out var consumed, out _, out _) == ChunkStatus.Done && consumed == 0, "Done did not stay Done");

    /// <summary>Everything one decoding reports, comparable across feedings.</summary>
    private readonly record struct ChunkedAnswer(ChunkStatus Status, int Position, int DataLength, ulong Data, string? Error);
}
