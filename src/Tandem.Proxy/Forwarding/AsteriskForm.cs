using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// Forwards <c>OPTIONS *</c> (RFC 9112 section 3.2.4) in asterisk form. HttpClient can only send a path, so such a
/// request leaves with the target <c>"/ *"</c>, whose raw space no client request can produce (YARP escapes paths),
/// and the upstream HTTP/1.x connection rewrites that request line to <c>OPTIONS * HTTP/1.1</c> as it is written.
/// Every other write passes through untouched after one byte comparison.
/// </summary>
internal static class AsteriskForm
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private static ReadOnlySpan<byte> MarkedLine => "OPTIONS / * "u8;

    private static ReadOnlySpan<byte> AsteriskLine => "OPTIONS * "u8;

    /// <summary>Whether the client sent <c>OPTIONS *</c> (Kestrel leaves the path empty for it, and only for it).</summary>
    public static bool Is(HttpRequest request) =>
        !request.Path.HasValue && HttpMethods.IsOptions(request.Method)
        && request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget == "*";

    /// <summary>The marked target on the server <paramref name="destinationPrefix"/> names.</summary>
    public static Uri MarkedUri(string destinationPrefix) =>
        new(new Uri(destinationPrefix).GetLeftPart(UriPartial.Authority) + "/ *", in Verbatim);

    /// <summary>The upstream handler's <c>PlaintextStreamFilter</c>: HTTP/1.x connections get the rewriting stream.</summary>
    public static ValueTask<Stream> FilterAsync(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.NegotiatedHttpVersion.Major == 1 ? new RewritingStream(context.PlaintextStream) : context.PlaintextStream);

    /// <summary>
    /// The connection's stream. SocketsHttpHandler writes each request's head from the start of its buffer, so a
    /// marked request line is always at the start of a write.
    /// </summary>
    private sealed class RewritingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanWrite => inner.CanWrite;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer.Span.StartsWith(MarkedLine) ? Rewrite(buffer.Span) : buffer, cancellationToken);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer.StartsWith(MarkedLine) ? Rewrite(buffer) : buffer);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }

        private static byte[] Rewrite(ReadOnlySpan<byte> marked)
        {
            var rest = marked[MarkedLine.Length..];
            var line = new byte[AsteriskLine.Length + rest.Length];
            AsteriskLine.CopyTo(line);
            rest.CopyTo(line.AsSpan(AsteriskLine.Length));
            return line;
        }
    }
}
