using System.Text;
using Tandem.Proxy.Forwarding.Http11;
using static Tandem.Fuzz.InvariantViolationException;

namespace Tandem.Fuzz;

/// <summary>
/// Feeds the input to <see cref="ResponseHeadParser"/> and checks what its contract promises: a Complete head ends
/// in CRLF CRLF, holds only CRLF line ends and no control bytes, its framing properties agree with its fields and never
/// name both Transfer-Encoding and Content-Length; the answer never depends on how much of the input had arrived
/// (every prefix is Incomplete or the same answer, decided as soon as the last byte it needs is in); and a reused head
/// gives the answer a fresh one gives.
/// </summary>
internal static class ResponseHeadTarget
{
    /// <summary>Up to this length every prefix is parsed; longer inputs get a sample of prefixes (the walk is quadratic).</summary>
    private const int EveryPrefixUpTo = 512;

    private const int SampledPrefixes = 64;

    /// <summary>Leaves a reused head full of state (fields, Content-Length, close) that a parse must clear.</summary>
    private static readonly byte[] Dirty = "HTTP/1.0 204 x\r\nContent-Length: 7\r\nConnection: close\r\nX-A: b\r\n\r\n"u8.ToArray();

    public static void Run(ReadOnlySpan<byte> input)
    {
        var head = new ResponseHead();
        var whole = Answer(input, head);
        CheckAnswer(input, whole, head);

        var reused = new ResponseHead();
        ResponseHeadParser.Parse(Dirty, reused, out _);
        Check(Answer(input, reused) == whole, "a reused head gives another answer than a fresh one");

        CheckPrefixes(input, whole, head);
    }

    private static HeadAnswer Answer(ReadOnlySpan<byte> input, ResponseHead head)
    {
        var status = ResponseHeadParser.Parse(input, head, out var consumed);
        var fields = new HashCode();
        foreach (var field in head.Fields)
        {
            fields.Add(field);
        }
        return new(status, consumed, head.Error, head.StatusCode, head.Http10, head.ContentLength, head.Chunked,
            head.ConnectionClose, head.FieldCount, fields.ToHashCode());
    }

    private static void CheckAnswer(ReadOnlySpan<byte> input, HeadAnswer answer, ResponseHead head)
    {
        switch (answer.Status)
        {
            case HeadParseStatus.Complete:
                Check(answer.Error is null, "Complete with an error");
                Check(answer.Consumed > 0 && answer.Consumed <= Math.Min(input.Length, ResponseHeadParser.MaxHeadBytes),
                    "Complete head length outside the input");
                CheckCompleteHead(input[..answer.Consumed], head);
                break;
            case HeadParseStatus.Invalid:
                Check(answer.Error is not null, "Invalid without an error");
                Check(answer.Consumed == 0, "Invalid consumed bytes");
                break;
            case HeadParseStatus.Incomplete:
                Check(answer.Error is null, "Incomplete with an error");
                Check(answer.Consumed == 0, "Incomplete consumed bytes");
                Check(input.Length < ResponseHeadParser.MaxHeadBytes, "Incomplete past the head size limit");
                break;
            default:
                throw new InvariantViolationException("unknown status " + answer.Status);
        }
    }

    private static void CheckCompleteHead(ReadOnlySpan<byte> bytes, ResponseHead head)
    {
        Check(bytes.StartsWith("HTTP/1.1 "u8) || bytes.StartsWith("HTTP/1.0 "u8), "head does not start with HTTP/1.x SP");
        Check(head.Http10 == (bytes[7] == '0'), "Http10 disagrees with the status line");
        Check(head.StatusCode is >= 100 and <= 999, "status code outside 100-999");
        Check(bytes.Length >= 12 && head.StatusCode == ((bytes[9] - '0') * 100) + ((bytes[10] - '0') * 10) + (bytes[11] - '0'),
            "status code disagrees with the status line");
        Check(bytes.EndsWith("\r\n\r\n"u8), "head does not end in CRLF CRLF");
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            Check(b != '\r' || (i + 1 < bytes.Length && bytes[i + 1] == '\n'), "bare CR in a Complete head");
            Check(b != '\n' || (i > 0 && bytes[i - 1] == '\r'), "bare LF in a Complete head");
            Check(b is >= 0x20 and not 0x7F or (byte)'\r' or (byte)'\n' or (byte)'\t', "control byte in a Complete head");
        }
        Check(head.FieldCount <= ResponseHeadParser.MaxFields, "more fields than the limit");
        Check(!(head.Chunked && head.ContentLength >= 0), "Transfer-Encoding and Content-Length both frame the body");
        Check(!(head.Chunked && head.Http10), "Transfer-Encoding in an HTTP/1.0 head");
        Check(head.ContentLength >= -1, "negative Content-Length");

        var contentLengths = 0;
        var transferEncodings = 0;
        var connectionFields = 0;
        var close = false;
        var previousEnd = 0;
        foreach (var field in head.Fields)
        {
            Check(field.NameStart >= previousEnd && field.NameLength > 0 && field.NameStart + field.NameLength < bytes.Length,
                "field name out of order or outside the head");
            Check(field.ValueStart > field.NameStart + field.NameLength && field.ValueLength >= 0
                && field.ValueStart + field.ValueLength <= bytes.Length - 4, "field value outside the head");
            previousEnd = field.ValueStart + field.ValueLength;
            var name = bytes.Slice(field.NameStart, field.NameLength);
            var value = bytes.Slice(field.ValueStart, field.ValueLength);
            Check(bytes[field.NameStart + field.NameLength] == ':', "field name not followed by a colon");
            Check(bytes[field.NameStart - 1] == '\n', "field name not at the start of a line");
            Check(value.IsEmpty || (value[0] is not ((byte)' ' or (byte)'\t') && value[^1] is not ((byte)' ' or (byte)'\t')),
                "field value keeps surrounding whitespace");
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                contentLengths++;
                Check(long.TryParse(value, out var length) && length == head.ContentLength && value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0,
                    "Content-Length disagrees with its field");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                transferEncodings++;
                Check(Ascii.EqualsIgnoreCase(value, "chunked"u8), "Transfer-Encoding other than chunked accepted");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                connectionFields++;
                foreach (var range in value.Split((byte)','))
                {
                    close |= Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), "close"u8);
                }
            }
        }
        Check(contentLengths == (head.ContentLength >= 0 ? 1 : 0), "Content-Length set without exactly one field");
        Check(transferEncodings == (head.Chunked ? 1 : 0), "Chunked set without exactly one Transfer-Encoding field");
        Check(!close || head.ConnectionClose, "Connection: close not honoured");
        Check(!(head.Http10 && connectionFields == 0) || head.ConnectionClose, "HTTP/1.0 without keep-alive left open");
    }

    /// <summary>
    /// A prefix of the input is what a connection holds before the rest arrives. Each must be Incomplete or the whole
    /// input's answer, and a Complete head must be decided exactly when its last byte is in: not before, not later.
    /// </summary>
    private static void CheckPrefixes(ReadOnlySpan<byte> input, HeadAnswer whole, ResponseHead head)
    {
        if (whole.Status == HeadParseStatus.Complete)
        {
            Check(Answer(input[..whole.Consumed], head) == whole, "a Complete head needs bytes past its end");
            Check(Answer(input[..(whole.Consumed - 1)], head).Status == HeadParseStatus.Incomplete, "a head decided before its last byte");
        }
        var decided = false;
        var step = input.Length <= EveryPrefixUpTo ? 1 : (input.Length / SampledPrefixes) + 1;
        // A split point taken from the input, so afl-fuzz can steer it, besides the regular ones.
        var chosen = input.IsEmpty ? 0 : input[0] * input[^1] % input.Length;
        for (var length = 0; length < input.Length; length += step)
        {
            decided = CheckPrefix(input, length, whole, head, decided);
        }
        CheckPrefix(input, chosen, whole, head, decided: false);
    }

    private static bool CheckPrefix(ReadOnlySpan<byte> input, int length, HeadAnswer whole, ResponseHead head, bool decided)
    {
        var answer = Answer(input[..length], head);
        if (answer.Status == HeadParseStatus.Incomplete)
        {
            Check(!decided, "a longer prefix is Incomplete after a shorter one was decided");
            Check(answer.Consumed == 0 && answer.Error is null, "an Incomplete prefix consumed bytes or has an error");
            return false;
        }
        Check(answer == whole, "a prefix gives another answer than the whole input");
        return true;
    }

    /// <summary>Everything one parse reports, comparable across inputs and heads.</summary>
    private readonly record struct HeadAnswer(
        HeadParseStatus Status, int Consumed, string? Error, int StatusCode, bool Http10, long ContentLength, bool Chunked,
        bool ConnectionClose, int FieldCount, int Fields);
}
