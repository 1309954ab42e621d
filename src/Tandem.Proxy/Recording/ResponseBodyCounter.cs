using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tandem.Proxy.Recording;

/// <summary>
/// Counts the response body bytes written to the client, whatever the framing (Content-Length, chunked, HTTP/2):
/// put in front of the server's <see cref="IHttpResponseBodyFeature"/> for one request, whose
/// <see cref="IHttpResponseBodyFeature.Stream"/> is what the forwarder copies the server's body into.
/// One per connection (or HTTP/2 stream), reused for each of its requests, so counting allocates nothing.
/// Concurrency: one request at a time.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The counting stream holds no resource; the server's stream is not ours to dispose.")]
internal sealed class ResponseBodyCounter : IHttpResponseBodyFeature
{
    private readonly CountingStream _stream;
    private IHttpResponseBodyFeature _inner = null!;

    public ResponseBodyCounter()
    {
        _stream = new CountingStream(this);
    }

    /// <summary>Bytes written since <see cref="Attach"/>.</summary>
    public long Bytes { get; private set; }

    /// <summary>Starts counting the response of <paramref name="context"/> from zero.</summary>
    public void Attach(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var current = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        _inner = current is ResponseBodyCounter counter ? counter._inner : current;
        Bytes = 0;
        context.Features.Set<IHttpResponseBodyFeature>(this);
    }

    /// <summary>The bytes counted for <paramref name="context"/>'s response, or null when it was not counted.</summary>
    public static long? Of(HttpContext context) =>
        context.Features.Get<IHttpResponseBodyFeature>() is ResponseBodyCounter counter ? counter.Bytes : null;

    public Stream Stream => _stream;

    /// <summary>Writes through the pipe are not counted; the forwarder and Tandem's own answers use <see cref="Stream"/>.</summary>
    public PipeWriter Writer => _inner.Writer;

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        _inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => _inner.CompleteAsync();

    private sealed class CountingStream(ResponseBodyCounter owner) : Stream
    {
        private Stream Inner => owner._inner.Stream;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Inner.Write(buffer, offset, count);
            owner.Bytes += count;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Inner.Write(buffer);
            owner.Bytes += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            owner.Bytes += buffer.Length;
            return Inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => Inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
