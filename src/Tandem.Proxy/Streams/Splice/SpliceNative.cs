using System.Runtime.InteropServices;

namespace Tandem.Proxy.Streams.Splice;

/// <summary>
/// The libc calls of the splice path (Linux only): <c>pipe2</c>, <c>splice</c>, <c>read</c>, <c>close</c>. The only
/// P/Invoke of the stream code; callers hold a reference on a socket's handle across a call so that a socket closed by
/// another thread cannot have its descriptor number reused under the call.
/// </summary>
internal static partial class SpliceNative
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EPIPE = 32;
    public const int EINVAL = 22;
    public const int ENOSYS = 38;
    public const int ECONNRESET = 104;

    private const int O_NONBLOCK = 0x800;
    private const int O_CLOEXEC = 0x80000;
    private const uint SPLICE_F_MOVE = 1;
    private const uint SPLICE_F_NONBLOCK = 2;

    /// <summary>A nonblocking, close-on-exec pipe; false with <paramref name="errno"/> when none could be made (EMFILE...).</summary>
    public static bool TryCreatePipe(out int readEnd, out int writeEnd, out int errno)
    {
        Span<int> fds = stackalloc int[2];
        if (Pipe2(ref MemoryMarshal.GetReference(fds), O_NONBLOCK | O_CLOEXEC) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            readEnd = writeEnd = -1;
            return false;
        }
        readEnd = fds[0];
        writeEnd = fds[1];
        errno = 0;
        return true;
    }

    /// <summary>Moves up to <paramref name="length"/> bytes between a pipe and a socket; -1 with errno on failure.</summary>
    public static long Splice(int from, int to, int length, out int errno)
    {
        long moved;
        do
        {
            moved = SpliceCall(from, IntPtr.Zero, to, IntPtr.Zero, (nuint)length, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            errno = moved < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        while (errno == EINTR);
        return moved;
    }

    /// <summary>Reads what the pipe holds into <paramref name="buffer"/>; -1 with errno on failure.</summary>
    public static unsafe long Read(int fd, Span<byte> buffer, out int errno)
    {
        long read;
        fixed (byte* start = buffer)
        {
            do
            {
                read = ReadCall(fd, start, (nuint)buffer.Length);
                errno = read < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
            while (errno == EINTR);
        }
        return read;
    }

    public static void Close(int fd) => _ = CloseCall(fd);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(ref int fds, int flags);

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static partial nint SpliceCall(int fdIn, IntPtr offIn, int fdOut, IntPtr offOut, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadCall(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseCall(int fd);
}
