using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static Tandem.Proxy.Native.SocketMessages;

namespace Tandem.Proxy.Streams;

/// <summary>
/// The libc calls of the stream code (Linux only, 64-bit layouts), the only P/Invoke under Streams: <c>pipe2</c>,
/// <c>splice</c>, <c>read</c>, <c>close</c> for the splice path; <c>recvmsg</c>/<c>sendmsg</c> with IP_PKTINFO so that
/// a udp listener on a wildcard address answers from the address each datagram was sent to (a VIP, not the node's own
/// address), which .NET has no API to send with. Callers hold a reference on a socket's handle across a call so that a
/// socket closed by another thread cannot have its descriptor number reused under the call.
/// </summary>
internal static unsafe partial class StreamNative
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
    public static long Read(int fd, Span<byte> buffer, out int errno)
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

    private const int IpProtoIp = 0;
    private const int IpProtoIpv6 = 41;
    private const int IpPktInfo = 8;
    private const int Ipv6RecvPktInfo = 49;
    private const int Ipv6PktInfo = 50;
    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;

    /// <summary>CMSG_SPACE(sizeof(struct in6_pktinfo)), enough for either kind.</summary>
    public const int PacketInfoControlSize = 40;

    /// <summary>Asks the kernel to report each datagram's destination address (IP_PKTINFO, and IPV6_RECVPKTINFO on an IPv6 socket).</summary>
    public static void EnablePacketInfo(Socket socket)
    {
        if (socket.AddressFamily == AddressFamily.InterNetworkV6)
        {
            socket.SetRawSocketOption(IpProtoIpv6, Ipv6RecvPktInfo, BitConverter.GetBytes(1));
            if (!socket.DualMode)
            {
                return;
            }
        }
        socket.SetRawSocketOption(IpProtoIp, IpPktInfo, BitConverter.GetBytes(1));
    }

    /// <summary>
    /// Receives one datagram without waiting: its length (-1 with errno, EAGAIN when none is queued), the sender in
    /// <paramref name="from"/>, and in <paramref name="replyControl"/> (<see cref="PacketInfoControlSize"/> bytes) the
    /// control message that makes a reply leave from the address the datagram was sent to; its length, 0 when unknown.
    /// </summary>
    public static int ReceiveWithDestination(Socket socket, Span<byte> buffer, SocketAddress from, Span<byte> replyControl,
        out int replyControlLength, out int errno)
    {
        replyControlLength = 0;
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var control = stackalloc byte[64];
            fixed (byte* data = buffer)
            fixed (byte* name = from.Buffer.Span)
            {
                var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
                var header = new MsgHdr { Name = name, NameLen = (uint)from.Buffer.Length, Iov = &iov, IovLen = 1, Control = control, ControlLen = 64 };
                nint read;
                do
                {
                    read = RecvMsg((int)handle.DangerousGetHandle(), &header, MsgDontWait);
                    errno = read < 0 ? Marshal.GetLastPInvokeError() : 0;
                }
                while (errno == EINTR);
                if (read < 0)
                {
                    return -1;
                }
                from.Size = (int)header.NameLen;
                for (var offset = 0; offset + sizeof(CmsgHdr) <= (int)header.ControlLen;)
                {
                    var cmsg = (CmsgHdr*)(control + offset);
                    var length = (int)cmsg->Length;
                    if (length < sizeof(CmsgHdr))
                    {
                        break;
                    }
                    if ((cmsg->Level == IpProtoIp && cmsg->Type == IpPktInfo) || (cmsg->Level == IpProtoIpv6 && cmsg->Type == Ipv6PktInfo))
                    {
                        var info = new ReadOnlySpan<byte>(control + offset, length);
                        info.CopyTo(replyControl);
                        replyControlLength = (length + 7) & ~7;
                        var payload = replyControl[sizeof(CmsgHdr)..];
                        if (cmsg->Level == IpProtoIp)
                        {
                            // in_pktinfo {ifindex, spec_dst, addr}: spec_dst is the local address the datagram reached
                            // (the VIP); a reply leaves from it, on whichever interface routing picks.
                            payload[..4].Clear();
                        }
                        break;
                    }
                    offset += (length + 7) & ~7;
                }
                return (int)read;
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Sends <paramref name="datagram"/> to <paramref name="to"/> from the address in <paramref name="replyControl"/>, without waiting; -1 with errno on failure (EAGAIN: the send buffer is full).</summary>
    public static int SendFrom(Socket socket, ReadOnlySpan<byte> datagram, SocketAddress to, ReadOnlySpan<byte> replyControl, out int errno)
    {
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            fixed (byte* data = datagram)
            fixed (byte* name = to.Buffer.Span)
            fixed (byte* control = replyControl)
            {
                var iov = new IoVec { Base = data, Length = (nuint)datagram.Length };
                var header = new MsgHdr { Name = name, NameLen = (uint)to.Size, Iov = &iov, IovLen = 1, Control = control, ControlLen = (nuint)replyControl.Length };
                nint sent;
                do
                {
                    sent = SendMsg((int)handle.DangerousGetHandle(), &header, MsgDontWait | MsgNoSignal);
                    errno = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
                }
                while (errno == EINTR);
                return (int)sent;
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(ref int fds, int flags);

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static partial nint SpliceCall(int fdIn, IntPtr offIn, int fdOut, IntPtr offOut, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadCall(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseCall(int fd);
}
