using System.Buffers;
using System.Net.Sockets;
using Tandem.Proxy.Streams.Splice;

namespace Tandem.Proxy.Streams;

/// <summary>
/// Copies one direction of a connection with a pooled buffer (no allocation per chunk). When the source sends FIN the
/// destination gets a FIN too (shutdown of its sending side) while the other direction keeps flowing: half-close,
/// which clients such as <c>nc -N</c> or a protocol's "end of request" rely on. A reset or an abort of either socket
/// ends the copy with the exception, for the connection to close both sides. With <c>splice</c> on Linux, a direction
/// whose read fills the whole buffer (bulk data waiting) is handed to the kernel (<see cref="SplicePump"/>), with the
/// same half-close, errors and counting: HAProxy's <c>splice-auto</c> rule, since a pipe and the extra readiness wait
/// cost more than they save on the few small chunks of a short connection (bench/README.md, "Layer 4").
/// </summary>
internal static class StreamPump
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Copies until <paramref name="from"/> closes its side; <paramref name="counted"/> is told each chunk's size.</summary>
    public static async Task CopyAsync(Socket from, Socket to, IStreamActivity counted, bool fromClient, bool splice)
    {
        if (!await CopyUntilBulkAsync(from, to, counted, fromClient, splice))
        {
            return;
        }
        if (await SplicePump.TryCopyAsync(from, to, counted, fromClient))
        {
            return;
        }
        await CopyUntilBulkAsync(from, to, counted, fromClient, splice: false);
    }

    /// <summary>
    /// Copies until the source closes (false), or, with <paramref name="splice"/>, until a read fills the buffer (true):
    /// the rest is bulk and may be spliced.
    /// </summary>
    private static async Task<bool> CopyUntilBulkAsync(Socket from, Socket to, IStreamActivity counted, bool fromClient, bool splice)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                if (read == 0)
                {
                    break;
                }
                counted.Moved(read, fromClient);
                var sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None);
                }
                if (splice && read == buffer.Length)
                {
                    return true;
                }
            }
            to.Shutdown(SocketShutdown.Send);
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>Where a pump reports bytes moved (which also marks the connection active for the idle timeout).</summary>
internal interface IStreamActivity
{
    void Moved(int bytes, bool fromClient);
}
