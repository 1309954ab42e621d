using System.Buffers;
using System.Net.Sockets;

namespace Tandem.Proxy.Streams.Splice;

/// <summary>
/// One direction of a connection moved by the kernel, socket to pipe to socket with <c>splice(2)</c> (HAProxy's
/// zero-copy forwarding): no byte crosses into user space on the usual path. Readiness comes from the runtime's
/// socket engine without reading: a zero-byte receive waits until the source has data (or its FIN). When the
/// destination's send buffer is full the pipe's head is read into a small pooled buffer and sent with SendAsync,
/// whose wait for room is the write readiness; the rest of the pipe follows by splice. Half-close and errors are
/// those of <see cref="StreamPump"/>: the source's FIN shuts the destination's sending side, a reset throws.
/// </summary>
internal static class SplicePump
{
    /// <summary>A pipe's default capacity (16 pages): one splice never takes more than the pipe can hold.</summary>
    private const int Chunk = 64 * 1024;
    private const int SendBufferSize = 16 * 1024;

    /// <summary>
    /// Copies until <paramref name="from"/> closes its side. False, with no byte moved, when splice cannot be used
    /// (no pipe, or the kernel refuses it for these sockets): the caller then copies through a buffer.
    /// </summary>
    public static async Task<bool> TryCopyAsync(Socket from, Socket to, IStreamActivity counted, bool fromClient)
    {
        if (SplicePipes.Rent() is not { } pipe)
        {
            return false;
        }
        var empty = true;
        byte[]? buffer = null;
        try
        {
            var movedAny = false;
            while (true)
            {
                var read = Splice(from, pipe.WriteEnd, sourceIsSocket: true, Chunk, out var errno);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return true;
                }
                if (read < 0)
                {
                    if (errno == StreamNative.EAGAIN)
                    {
                        await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
                        continue;
                    }
                    if (!movedAny && errno is StreamNative.EINVAL or StreamNative.ENOSYS)
                    {
                        SplicePipes.MarkUnsupported();
                        return false;
                    }
                    throw Failure(errno);
                }
                movedAny = true;
                empty = false;
                counted.Moved((int)read, fromClient);
                var pending = (int)read;
                while (pending > 0)
                {
                    var written = Splice(to, pipe.ReadEnd, sourceIsSocket: false, pending, out errno);
                    if (written > 0)
                    {
                        pending -= (int)written;
                        continue;
                    }
                    if (written == 0 || errno != StreamNative.EAGAIN)
                    {
                        throw Failure(written == 0 ? StreamNative.EPIPE : errno);
                    }
                    buffer ??= ArrayPool<byte>.Shared.Rent(SendBufferSize);
                    var taken = StreamNative.Read(pipe.ReadEnd, buffer.AsSpan(0, Math.Min(pending, SendBufferSize)), out errno);
                    if (taken <= 0)
                    {
                        throw Failure(taken == 0 ? StreamNative.EPIPE : errno);
                    }
                    pending -= (int)taken;
                    for (var sent = 0; sent < taken;)
                    {
                        sent += await to.SendAsync(buffer.AsMemory(sent, (int)taken - sent), SocketFlags.None);
                    }
                }
                empty = true;
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            SplicePipes.Return(pipe, empty);
        }
    }

    /// <summary>One nonblocking splice between <paramref name="socket"/> and a pipe end, the socket's descriptor held open across it.</summary>
    private static long Splice(Socket socket, int pipeEnd, bool sourceIsSocket, int length, out int errno)
    {
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            return sourceIsSocket ? StreamNative.Splice(fd, pipeEnd, length, out errno) : StreamNative.Splice(pipeEnd, fd, length, out errno);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static SocketException Failure(int errno) => new((int)(errno switch
    {
        StreamNative.ECONNRESET => SocketError.ConnectionReset,
        StreamNative.EPIPE => SocketError.Shutdown,
        _ => SocketError.SocketError,
    }));
}
