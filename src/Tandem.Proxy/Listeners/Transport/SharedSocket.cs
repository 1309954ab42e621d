using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Listeners.Transport;

/// <summary>
/// One bound socket and its accept loop. Each accepted connection goes to the newest complete
/// <see cref="ListenerGeneration"/>; when that generation serves both HTTP/1.1 and h2c, the first bytes decide:
/// the 24-byte HTTP/2 client preface (RFC 9113 section 3.4) means h2c, anything else HTTP/1.1. The bytes stay in the
/// connection's pipe for Kestrel to parse. Kestrel itself serves only HTTP/1.1 on a cleartext endpoint that allows
/// both (dotnet/aspnetcore#56984).
/// A generation receives connections only once activated, so a replacement can bind first and take over when the
/// rest of a reload has succeeded.
/// Concurrency: listeners are attached and detached under the transport's lock; the accept loop reads the active
/// generation with a volatile read.
/// </summary>
internal sealed class SharedSocket
{
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private readonly StoppableListener _inner;
    private readonly SharedSocketTransport _owner;
    private readonly ILogger _logger;
    private readonly List<SharedListener> _attached = [];
    private ListenerGeneration? _current;
    private Task _acceptLoop = Task.CompletedTask;
    private int _started;

    public SharedSocket(StoppableListener inner, SharedSocketTransport owner, ILogger logger)
    {
        _inner = inner;
        _owner = owner;
        _logger = logger;
    }

    /// <summary>The address actually bound (with the real port when the config asked for port 0).</summary>
    public IPEndPoint BoundEndPoint => (IPEndPoint)_inner.EndPoint;


    /// <summary>Called under the transport lock. The listener gets connections once its generation is activated.</summary>
    internal SharedListener Attach(SharedEndPoint requested)
    {
        var listener = new SharedListener(this, requested.WithSocket(BoundEndPoint));
        requested.Generation.Attach(listener);
        _attached.Add(listener);
        return listener;
    }

    /// <summary>
    /// Sends every new connection to <paramref name="generation"/> from now on; the one it replaces gets no more. The
    /// first activation starts accepting: until then connections wait in the kernel's queue (or, on a socket taken over
    /// from a predecessor, are accepted there) instead of being accepted with nobody to serve them.
    /// </summary>
    internal void Activate(ListenerGeneration generation)
    {
        Volatile.Write(ref _current, generation);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            Volatile.Write(ref _acceptLoop, Task.Run(AcceptLoopAsync));
        }
    }

    internal async ValueTask DetachAsync(SharedListener listener)
    {
        if (_owner.Detach(this, listener))
        {
            // Stop accepting first, so the close that follows has no accept pending (see StoppableListener).
            Interlocked.Exchange(ref _started, 1);
            _inner.StopAccepting();
            await Volatile.Read(ref _acceptLoop);
            await _inner.UnbindAsync();
            await _inner.DisposeAsync();
        }
    }

    /// <summary>Called under the transport lock; true when no listener is left and the socket must close.</summary>
    internal bool RemoveAndCheckEmpty(SharedListener listener)
    {
        _attached.Remove(listener);
        if (ReferenceEquals(Volatile.Read(ref _current), listener.EndPoint.Generation))
        {
            // The active generation is stopping (shutdown, or its listener was removed): accept nothing more for it.
            Volatile.Write(ref _current, null);
        }
        return _attached.Count == 0;
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            ConnectionContext? connection;
            try
            {
                connection = await _inner.AcceptAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex)
            {
                TransportLog.AcceptFailed(_logger, BoundEndPoint, ex);
                continue;
            }
            if (connection is null)
            {
                return;
            }

            var generation = Volatile.Read(ref _current);
            var http1 = generation?.Http1;
            var http2 = generation?.Http2;
            if (http1 is not null && http2 is not null)
            {
                _ = SniffAsync(connection, http1, http2, generation!.SniffTimeout);
            }
            else if (!(http1 ?? http2)?.Offer(connection) ?? true)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task SniffAsync(ConnectionContext connection, SharedListener http1, SharedListener http2, TimeSpan timeout)
    {
        var input = connection.Transport.Input;
        SharedListener? target = null;
        using (var timer = new CancellationTokenSource(timeout))
        {
            try
            {
                while (target is null)
                {
                    var result = await input.ReadAsync(timer.Token);
                    var buffer = result.Buffer;
                    var verdict = Classify(buffer);
                    if (verdict is null && !result.IsCompleted)
                    {
                        // A prefix of the preface so far: wait for more bytes.
                        input.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }
                    // Leave every byte unconsumed and unexamined so Kestrel's first read sees them at once.
                    input.AdvanceTo(buffer.Start, buffer.Start);
                    target = verdict ?? false ? http2 : http1;
                    if (result.IsCompleted && buffer.IsEmpty)
                    {
                        target = null;
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException or InvalidOperationException)
            {
                target = null;
            }
        }
        if (target is null || !target.Offer(connection))
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// True for HTTP/2, false for HTTP/1.x, null while the bytes so far cannot tell. The HTTP/2 preface is HTTP/2; so is
    /// anything whose first line does not end in an HTTP version (a broken preface), which Kestrel's HTTP/2 side answers
    /// with a GOAWAY as RFC 9113 section 3.4 asks, where its HTTP/1.1 side would answer 505. A first line longer than
    /// Kestrel's request-line limit goes to HTTP/1.1, which refuses it.
    /// </summary>
    internal static bool? Classify(ReadOnlySequence<byte> buffer)
    {
        var length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> head = stackalloc byte[24];
        buffer.Slice(0, length).CopyTo(head);
        if (Preface[..length].SequenceEqual(head[..length]))
        {
            return length == Preface.Length ? true : null;
        }
        var reader = new SequenceReader<byte>(buffer);
        // RFC 9112 section 2.2: empty lines before a request line are ignored.
        while (reader.IsNext("\r\n"u8, advancePast: true))
        {
        }
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            return reader.Remaining > MaxRequestLine ? false : null;
        }
        return !IsHttp1RequestLine(line);
    }

    /// <summary>Kestrel's default <c>MaxRequestLineSize</c>.</summary>
    private const int MaxRequestLine = 8 * 1024;

    /// <summary>Whether the line ends in an HTTP version (<c>GET / HTTP/2.0</c> too: HTTP/1.1 answers that with 505).</summary>
    private static bool IsHttp1RequestLine(ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(line);
        var lastSpace = -1L;
        while (reader.TryAdvanceTo((byte)' ', advancePastDelimiter: true))
        {
            lastSpace = reader.Consumed - 1;
        }
        if (lastSpace < 0 || line.Length - lastSpace - 1 < 5)
        {
            return false;
        }
        Span<byte> version = stackalloc byte[5];
        line.Slice(lastSpace + 1, 5).CopyTo(version);
        return version.SequenceEqual("HTTP/"u8);
    }
}
