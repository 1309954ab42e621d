using System.IO.Compression;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tandem.Proxy.Compression;

/// <summary>
/// The response body of one compressed response: put in front of the response's body feature, so whatever the
/// forwarder copies from the server goes through a <see cref="GZipStream"/> or <see cref="BrotliStream"/> into the
/// client's stream as it arrives (a flush of the copy flushes the compressor: streaming, never a whole body in memory).
/// <see cref="FinishAsync"/> writes the compressed stream's end and puts the original feature back. One per compressed
/// response. Concurrency: one request.
/// </summary>
internal sealed class CompressedBody : IHttpResponseBodyFeature, IAsyncDisposable
{
    private readonly IHttpResponseBodyFeature _inner;
    private readonly Stream _compressor;
    private PipeWriter? _writer;

    private CompressedBody(IHttpResponseBodyFeature inner, ContentCoding coding, CompressionLevel level)
    {
        _inner = inner;
        _compressor = coding == ContentCoding.Brotli
            ? new BrotliStream(inner.Stream, level, leaveOpen: true)
            : new GZipStream(inner.Stream, level, leaveOpen: true);
    }

    /// <summary>Compresses the rest of <paramref name="context"/>'s response body with <paramref name="coding"/>.</summary>
    public static void Attach(HttpContext context, ContentCoding coding, CompressionLevel level)
    {
        var inner = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        context.Features.Set<IHttpResponseBodyFeature>(new CompressedBody(inner, coding, level));
    }

    /// <summary>
    /// Ends the compressed stream of <paramref name="context"/>'s response, if it has one, and restores its body feature
    /// (whose byte count the record stage reads). A client or server that broke off leaves nothing to end.
    /// </summary>
    public static async ValueTask FinishAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpResponseBodyFeature>() is CompressedBody body)
        {
            context.Features.Set(body._inner);
            await body.DisposeAsync();
        }
    }

    public Stream Stream => _compressor;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(_compressor, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(_compressor, path, offset, count, cancellationToken);

    public async Task CompleteAsync()
    {
        await DisposeAsync();
        await _inner.CompleteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_writer is not null)
            {
                await _writer.CompleteAsync();
            }
            await _compressor.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is gone (client aborted, server broke off): there is no one to send the end to.
        }
    }
}
