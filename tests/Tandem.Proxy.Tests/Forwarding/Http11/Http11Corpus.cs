using System.Text;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// One raw response as a backend would send it before closing. <paramref name="Valid"/>: whether our parsers accept it.
/// <paramref name="Difference"/>: set where we deliberately refuse what SocketsHttpHandler accepts, with the reason.
/// </summary>
public sealed record Http11Case(string Name, string Raw, bool Valid, string? Difference = null)
{
    /// <summary>The raw text as bytes, each char below 256 one byte (Latin-1).</summary>
    public byte[] Bytes => Encoding.Latin1.GetBytes(Raw);

    public override string ToString() => Name;
}

/// <summary>The responses the split, fuzz and differential tests share: valid framings and every smuggling shape refused.</summary>
public static class Http11Corpus
{
    private const string Ok = "HTTP/1.1 200 OK\r\n";
    private const string Chunked = Ok + "Transfer-Encoding: chunked\r\n\r\n";

    public static readonly IReadOnlyList<Http11Case> Cases =
    [
        // valid: Content-Length
        new("cl", Ok + "Content-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello", true),
        new("cl-zero", Ok + "Content-Length: 0\r\n\r\n", true),
        new("cl-leading-zeros", Ok + "Content-Length: 007\r\n\r\nsixteen", true),
        new("cl-lowercase-name", Ok + "content-length: 3\r\n\r\nabc", true),
        new("no-reason", "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nhi", true),
        new("empty-reason", "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nhi", true),
        new("obs-text-reason", "HTTP/1.1 200 \u00c9t\u00e9 ok\tfine\r\nContent-Length: 2\r\n\r\nhi", true),
        new("status-404", "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found", true),
        new("status-599", "HTTP/1.1 599 Custom\r\nContent-Length: 1\r\n\r\nx", true),
        new("repeated-fields", Ok + "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n", true),
        new("empty-values", Ok + "X-Empty:\r\nX-Blank:   \r\nContent-Length: 0\r\n\r\n", true),
        new("ows-around-value", Ok + "X-A: \t value  with\tinner \t\r\nContent-Length: 0\r\n\r\n", true),
        new("token-name", Ok + "X-!#$%&'*+.^_`|~: v\r\nContent-Length: 0\r\n\r\n", true),
        new("big-field", Ok + "X-Big: " + new string('b', 8000) + "\r\nContent-Length: 0\r\n\r\n", true),
        new("hundred-fields", Ok + Fields(100) + "Content-Length: 0\r\n\r\n", true),
        // valid: chunked
        new("chunked", Chunked + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", true),
        new("chunked-extensions", Chunked + "5;name=value\r\nhello\r\n3 ; a ; b = \"q \\\" x\"\r\nabc\r\n0;last\r\n\r\n", true),
        new("chunked-trailers", Chunked + "3\r\nabc\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n", true),
        new("chunked-hex-digits", Chunked + "000A\r\n0123456789\r\nf\r\n0123456789abcde\r\n0\r\n\r\n", true),
        new("chunked-te-case", Ok + "Transfer-Encoding: Chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", true),
        new("chunked-large", Chunked + "3e8\r\n" + new string('z', 1000) + "\r\n0\r\n\r\n", true),
        new("chunked-empty", Chunked + "0\r\n\r\n", true),
        // valid: close-delimited, HTTP/1.0, no-body statuses, interim responses
        new("close-delimited", Ok + "Connection: close\r\n\r\nbody until close", true),
        new("http10-close-delimited", "HTTP/1.0 200 OK\r\n\r\nold body", true),
        new("http10-keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc", true),
        new("connection-list", Ok + "Connection: keep-alive, , close\r\nContent-Length: 1\r\n\r\nx", true),
        new("status-204", "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n", true),
        new("status-304-with-cl", "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 10\r\n\r\n", true),
        new("100-then-200", "HTTP/1.1 100 Continue\r\n\r\n" + Ok + "Content-Length: 2\r\n\r\nok", true),
        new("103-then-200", "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n" + Ok + "Content-Length: 2\r\n\r\nok", true),
        // invalid: framing conflicts
        new("te-and-cl", Ok + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false,
            "RFC 9112 §6.3: Transfer-Encoding with Content-Length is the smuggling pair; SocketsHttpHandler lets chunked win"),
        new("cl-and-te", Ok + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false,
            "RFC 9112 §6.3: Transfer-Encoding with Content-Length is the smuggling pair; SocketsHttpHandler lets chunked win"),
        new("cl-cl-same", Ok + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", false,
            "RFC 9112 §6.3 allows merging identical duplicates; we refuse any second Content-Length instead"),
        new("cl-cl-different", Ok + "Content-Length: 5\r\nContent-Length: 3\r\n\r\nhello", false,
            "conflicting Content-Lengths (RFC 9112 §6.3 says unrecoverable); SocketsHttpHandler does not refuse them"),
        new("cl-plus", Ok + "Content-Length: +5\r\n\r\nhello", false,
            "malformed Content-Length (RFC 9110 §8.6): SocketsHttpHandler still frames the body somehow; another hop may frame it otherwise"),
        new("cl-minus", Ok + "Content-Length: -1\r\n\r\nhello", false,
            "malformed Content-Length (RFC 9110 §8.6): SocketsHttpHandler still frames the body somehow; another hop may frame it otherwise"),
        new("cl-inner-space", Ok + "Content-Length: 5 5\r\n\r\nhello", false,
            "malformed Content-Length (RFC 9110 §8.6): SocketsHttpHandler still frames the body somehow; another hop may frame it otherwise"),
        new("cl-list", Ok + "Content-Length: 5,5\r\n\r\nhello", false,
            "malformed Content-Length (RFC 9110 §8.6): SocketsHttpHandler still frames the body somehow; another hop may frame it otherwise"),
        new("cl-huge", Ok + "Content-Length: 99999999999999999999\r\n\r\nhello", false,
            "malformed Content-Length (RFC 9110 §8.6): SocketsHttpHandler still frames the body somehow; another hop may frame it otherwise"),
        new("cl-hex", Ok + "Content-Length: 0x5\r\n\r\nhello", false,
            "malformed Content-Length (RFC 9110 §8.6): SocketsHttpHandler still frames the body somehow; another hop may frame it otherwise"),
        new("cl-empty", Ok + "Content-Length: \r\n\r\nhello", false,
            "malformed Content-Length (RFC 9110 §8.6): SocketsHttpHandler still frames the body somehow; another hop may frame it otherwise"),
        new("te-chunked-identity-fields", Ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false,
            "only a lone 'chunked' is accepted (RFC 9112 §6.1): SocketsHttpHandler reads any coding list ending in chunked, or other codings, its own way"),
        new("te-gzip-chunked", Ok + "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false,
            "only a lone 'chunked' is accepted (RFC 9112 §6.1): SocketsHttpHandler reads any coding list ending in chunked, or other codings, its own way"),
        new("te-chunked-chunked", Ok + "Transfer-Encoding: chunked, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false,
            "only a lone 'chunked' is accepted (RFC 9112 §6.1): SocketsHttpHandler reads any coding list ending in chunked, or other codings, its own way"),
        new("te-twice", Ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false,
            "only a lone 'chunked' is accepted (RFC 9112 §6.1): SocketsHttpHandler reads any coding list ending in chunked, or other codings, its own way"),
        new("te-xchunked", Ok + "Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false,
            "only a lone 'chunked' is accepted (RFC 9112 §6.1): SocketsHttpHandler reads any coding list ending in chunked, or other codings, its own way"),
        new("te-http10", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false,
            "RFC 9112 §6.1: an HTTP/1.0 recipient does not know Transfer-Encoding, so the message frames two ways"),
        // invalid: line and field syntax
        new("obs-fold", Ok + "X-A: 1\r\n  folded\r\nContent-Length: 0\r\n\r\n", false,
            "RFC 9112 §5.2: we refuse obs-fold rather than unfold it; SocketsHttpHandler unfolds"),
        new("whitespace-first-field", Ok + " Content-Length: 0\r\n\r\n", false),
        new("bare-lf", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", false,
            "RFC 9112 §2.2 lets a recipient accept a bare LF; we refuse it because parsers disagree on where lines end"),
        new("bare-lf-field", Ok + "Content-Length: 2\n\r\nok", false,
            "RFC 9112 §2.2 lets a recipient accept a bare LF; we refuse it because parsers disagree on where lines end"),
        new("bare-cr-value", Ok + "X-A: a\rb\r\nContent-Length: 0\r\n\r\n", false,
            "RFC 9112 §2.2: a bare CR in a field must be refused or replaced; SocketsHttpHandler keeps it"),
        new("nul-in-value", Ok + "X-A: a\0b\r\nContent-Length: 0\r\n\r\n", false,
            "RFC 9110 §5.5: NUL in a field value must be refused or replaced; SocketsHttpHandler keeps it"),
        new("space-before-colon", Ok + "Content-Length : 5\r\n\r\nhello", false,
            "RFC 9112 §5.1: whitespace before the colon MUST be refused (a classic smuggling vector); SocketsHttpHandler trims it"),
        new("no-colon", Ok + "Content-Length 5\r\n\r\nhello", false),
        new("empty-name", Ok + ": x\r\nContent-Length: 0\r\n\r\n", false),
        new("oversized-head", Ok + "X-Big: " + new string('b', 70 * 1024) + "\r\nContent-Length: 0\r\n\r\n", false),
        new("too-many-fields", Ok + Fields(300) + "Content-Length: 0\r\n\r\n", false,
            "our limit of 256 fields; SocketsHttpHandler bounds only the head's bytes"),
        new("connection-not-token", Ok + "Connection: close?\r\nContent-Length: 0\r\n\r\n", false,
            "RFC 9110 §7.6.1: Connection is a list of tokens; SocketsHttpHandler keeps any text"),
        // invalid: status line
        new("http20", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
        new("http110", "HTTP/1.10 200 OK\r\nContent-Length: 0\r\n\r\n", false),
        new("lowercase-http", "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false),
        new("leading-space", " HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false),
        new("status-two-digits", "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n", false),
        new("status-099", "HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n", false,
            "RFC 9110 §15: a status code below 100 is no status; SocketsHttpHandler accepts 000-099"),
        new("status-four-digits", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", false),
        new("nul-in-reason", "HTTP/1.1 200 O\0K\r\nContent-Length: 0\r\n\r\n", false),
        // invalid: chunked framing
        new("chunk-overflow", Chunked + "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n", false),
        new("chunk-0x", Chunked + "0x5\r\nhello\r\n0\r\n\r\n", false),
        new("chunk-negative", Chunked + "-5\r\nhello\r\n0\r\n\r\n", false),
        new("chunk-space-before-size", Chunked + " 5\r\nhello\r\n0\r\n\r\n", false),
        new("chunk-missing-crlf", Chunked + "5\r\nhelloXX0\r\n\r\n", false),
        new("chunk-lf-only", Chunked + "5\nhello\n0\n\n", false,
            "RFC 9112 §2.2 lets a recipient accept a bare LF; we refuse it because parsers disagree on where lines end"),
        new("chunk-no-size", Chunked + "\r\nhello\r\n0\r\n\r\n", false),
        new("trailer-space-before-colon", Chunked + "0\r\nX-A : 1\r\n\r\n", false,
            "RFC 9112 §5.1: whitespace before the colon in a trailer; SocketsHttpHandler accepts it"),
        new("trailer-obs-fold", Chunked + "0\r\nX-A: 1\r\n folded\r\n\r\n", false,
            "RFC 9112 §5.2: we refuse obs-fold in trailers too; SocketsHttpHandler does not look"),
        new("trailer-nul", Chunked + "0\r\nX-A: a\0b\r\n\r\n", false,
            "RFC 9110 §5.5: NUL in a trailer value; SocketsHttpHandler keeps it"),
        // invalid: cut short by the close
        new("cl-cut-short", Ok + "Content-Length: 10\r\n\r\nhello", false),
        new("chunked-cut-short", Chunked + "5\r\nhello\r\n", false),
        new("head-cut-short", Ok + "Content-Length: 0\r\n", false),
    ];

    private static string Fields(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append("X-F").Append(i).Append(": v\r\n");
        }
        return text.ToString();
    }
}
