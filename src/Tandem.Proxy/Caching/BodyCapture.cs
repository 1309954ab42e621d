using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tandem.Proxy.Caching;

/// <summary>
/// The response body of one response being stored: put in front of the response's body feature, it passes every
/// write on to the client as it comes and keeps a copy in a pooled buffer, up to <c>max-object</c> bytes. Past that the
/// copy is abandoned (the buffer goes back to the pool) and the rest only streams: nothing holds a whole large body.
/// <see cref="Detach"/> puts the original feature back. One per stored response. Concurrency: one request.
/// </summary>
internal sealed class BodyCapture : Stream, IHttpResponseBodyFeature
{
    private readonly IHttpResponseBodyFeature _inner;
    private readonly long _limit;
    private byte[]? _buffer;
    private int _length;
    private PipeWriter? _writer;

    private BodyCapture(IHttpResponseBodyFeature inner, long limit)
    {
        _inner = inner;
        _limit = limit;
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, 16 * 1024));
    }

    /// <summary>Whether the copy was given up (the body passed <c>max-object</c>).</summary>
    public bool Abandoned => _buffer is null;

    public static BodyCapture Attach(HttpContext context, long limit)
    {
        var capture = new BodyCapture(context.Features.GetRequiredFeature<IHttpResponseBodyFeature>(), limit);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        return capture;
    }

    /// <summary>Restores the original body feature of <paramref name="context"/>.</summary>
    public void Detach(HttpContext context)
    {
        if (ReferenceEquals(context.Features.Get<IHttpResponseBodyFeature>(), this))
        {
            context.Features.Set(_inner);
        }
    }

    /// <summary>The copied body (a new array, exactly its length); null when abandoned. Returns the buffer to the pool.</summary>
    public byte[]? TakeBody()
    {
        if (_buffer is null)
        {
            return null;
        }
        var body = _buffer.AsSpan(0, _length).ToArray();
        Abandon();
        return body;
    }

    /// <summary>Gives up the copy (the response will not be stored).</summary>
    public void Abandon()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Copy(ReadOnlySpan<byte> data)
    {
        if (_buffer is null)
        {
            return;
        }
        if (_length + (long)data.Length > _limit)
        {
            Abandon();
            return;
        }
        if (_length + data.Length > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(_limit, Math.Max(_buffer.Length * 2L, _length + (long)data.Length)));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    // IHttpResponseBodyFeature
    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        Abandon();
        return _inner.SendFileAsync(path, offset, count, cancellationToken);
    }

    public async Task CompleteAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync();
        }
        await _inner.CompleteAsync();
    }

    // Stream: write-only, passes through.
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => _inner.Stream.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.Stream.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Copy(buffer.AsSpan(offset, count));
        _inner.Stream.Write(buffer, offset, count);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Copy(buffer.Span);
        return _inner.Stream.WriteAsync(buffer, cancellationToken);
    }
}
