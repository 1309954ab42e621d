using System.Text;
using Tandem.Proxy.Forwarding.Http11;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>What <see cref="Http11Reader.Read"/> made of one response: its final head and decoded body, or why it was refused.</summary>
internal sealed record Http11Outcome(bool Accepted, int Status, IReadOnlyList<KeyValuePair<string, string>> Fields, byte[] Body, string? Error)
{
    public static Http11Outcome Rejected(string error) => new(false, 0, [], [], error);
}

/// <summary>
/// Reads one whole response from bytes the server sent before closing, with the parsers the upstream path uses and the
/// rules a client follows around them: 1xx (except 101) heads are skipped, 204 and 304 have no body, then chunked,
/// Content-Length, or the rest until close. A head or body cut short by the close is refused.
/// </summary>
internal static class Http11Reader
{
    public static Http11Outcome Read(ReadOnlySpan<byte> bytes)
    {
        var head = new ResponseHead();
        var position = 0;
        for (var heads = 0; heads < 16; heads++)
        {
            var rest = bytes[position..];
            var status = ResponseHeadParser.Parse(rest, head, out var consumed);
            if (status == HeadParseStatus.Invalid)
            {
                return Http11Outcome.Rejected(head.Error!);
            }
            if (status == HeadParseStatus.Incomplete)
            {
                return Http11Outcome.Rejected("head cut short");
            }
            var fields = new List<KeyValuePair<string, string>>();
            foreach (var field in head.Fields)
            {
                fields.Add(new(
                    Encoding.Latin1.GetString(rest.Slice(field.NameStart, field.NameLength)),
                    Encoding.Latin1.GetString(rest.Slice(field.ValueStart, field.ValueLength))));
            }
            position += consumed;
            if (head.StatusCode is >= 100 and < 200 and not 101)
            {
                continue;
            }
            if (head.StatusCode is 204 or 304 or (>= 100 and < 200))
            {
                return new(true, head.StatusCode, fields, [], null);
            }
            var body = bytes[position..];
            if (head.Chunked)
            {
                var decoded = DecodeChunked(body, out var error);
                return decoded is null ? Http11Outcome.Rejected(error!) : new(true, head.StatusCode, fields, decoded, null);
            }
            if (head.ContentLength >= 0)
            {
                return body.Length < head.ContentLength
                    ? Http11Outcome.Rejected("body cut short")
                    : new(true, head.StatusCode, fields, body[..(int)head.ContentLength].ToArray(), null);
            }
            return new(true, head.StatusCode, fields, body.ToArray(), null);
        }
        return Http11Outcome.Rejected("too many interim responses");
    }

    /// <summary>The decoded body of a whole chunked message; null (and why) when invalid or cut short.</summary>
    public static byte[]? DecodeChunked(ReadOnlySpan<byte> body, out string? error)
    {
        var decoder = new ChunkedDecoder();
        var data = new List<byte>();
        var position = 0;
        for (var calls = 0; calls <= body.Length + 2; calls++)
        {
            var status = decoder.Decode(body[position..], out var consumed, out var start, out var length);
            switch (status)
            {
                case ChunkStatus.Data:
                    data.AddRange(body.Slice(position + start, length));
                    position += consumed;
                    break;
                case ChunkStatus.Done:
                    error = null;
                    return [.. data];
                case ChunkStatus.Invalid:
                    error = decoder.Error;
                    return null;
                default:
                    error = "chunked body cut short";
                    return null;
            }
        }
        error = "decoder made no progress";
        return null;
    }
}
