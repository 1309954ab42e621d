using System.Net.Sockets;
using System.Runtime.InteropServices;
using static Tandem.Proxy.Native.SocketMessages;
using System.Text;

namespace Tandem.Proxy.Listeners.Transport;

/// <summary>
/// Short text messages over a connected unix SOCK_SEQPACKET socket, each optionally carrying one file descriptor
/// (SCM_RIGHTS, unix(7)): how a running node hands its listening sockets to the process replacing it. .NET has no
/// API for ancillary data, so this calls sendmsg/recvmsg/poll directly (64-bit Linux layouts). SEQPACKET keeps each
/// message and its descriptor together; a stream socket may merge or split them.
/// </summary>
public static unsafe partial class FdPassing
{
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgCmsgCloexec = 0x40000000;
    private const int MsgNoSignal = 0x4000;
    private const short PollIn = 0x001;
    private const short PollOut = 0x004;
    private const int MaxMessage = 512;
    private const int EIntr = 4;
    private const int EAgain = 11;

    /// <summary>Sends <paramref name="text"/>, with <paramref name="fd"/> attached unless it is null.</summary>
    /// <exception cref="SocketException">The peer went away or the send failed.</exception>
    public static void Send(Socket connection, string text, SafeHandle? fd, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var payload = Encoding.UTF8.GetBytes(text);
        if (payload.Length is 0 or > MaxMessage)
        {
            throw new ArgumentException($"a control message is 1..{MaxMessage} bytes", nameof(text));
        }
        var addedRef = false;
        try
        {
            fd?.DangerousAddRef(ref addedRef);
            var control = stackalloc byte[CmsgSpace];
            fixed (byte* data = payload)
            {
                var iov = new IoVec { Base = data, Length = (nuint)payload.Length };
                var header = new MsgHdr { Iov = &iov, IovLen = 1 };
                if (fd is not null)
                {
                    var cmsg = (CmsgHdr*)control;
                    cmsg->Length = (nuint)CmsgLen;
                    cmsg->Level = SolSocket;
                    cmsg->Type = ScmRights;
                    *(int*)(control + sizeof(CmsgHdr)) = (int)fd.DangerousGetHandle();
                    header.Control = control;
                    header.ControlLen = (nuint)CmsgSpace;
                }
                while (true)
                {
                    Wait(connection, PollOut, timeout);
                    if (SendMsg(Fd(connection), &header, MsgNoSignal) >= 0)
                    {
                        return;
                    }
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is not (EIntr or EAgain))
                    {
                        throw new SocketException(errno);
                    }
                }
            }
        }
        finally
        {
            if (addedRef)
            {
                fd!.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// The next message and the descriptor it carried (owned by the caller), or null text when the peer closed.
    /// </summary>
    /// <exception cref="TimeoutException">Nothing arrived within <paramref name="timeout"/>.</exception>
    public static (string? Text, SafeSocketHandle? Fd) Receive(Socket connection, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var buffer = stackalloc byte[MaxMessage];
        var control = stackalloc byte[CmsgSpace];
        while (true)
        {
            Wait(connection, PollIn, timeout);
            var iov = new IoVec { Base = buffer, Length = MaxMessage };
            var header = new MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = (nuint)CmsgSpace };
            var read = RecvMsg(Fd(connection), &header, MsgCmsgCloexec);
            if (read < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is EIntr or EAgain)
                {
                    continue;
                }
                throw new SocketException(errno);
            }
            SafeSocketHandle? fd = null;
            var cmsg = (CmsgHdr*)control;
            if (header.ControlLen >= (nuint)CmsgLen && cmsg->Level == SolSocket && cmsg->Type == ScmRights)
            {
                fd = new SafeSocketHandle(*(int*)(control + sizeof(CmsgHdr)), ownsHandle: true);
            }
            return read == 0 ? (null, fd) : (Encoding.UTF8.GetString(buffer, (int)read), fd);
        }
    }

    private static void Wait(Socket connection, short events, TimeSpan timeout)
    {
        var poll = new PollFd { Fd = Fd(connection), Events = events };
        int ready;
        do
        {
            ready = Poll(&poll, 1, (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue));
        }
        while (ready < 0 && Marshal.GetLastPInvokeError() == EIntr);
        if (ready == 0)
        {
            throw new TimeoutException($"no answer on the control socket within {timeout.TotalSeconds:0.#} s");
        }
    }

    private static int Fd(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();

    private static int CmsgLen => sizeof(CmsgHdr) + sizeof(int);

    // CMSG_SPACE(sizeof(int)): the header and the data, padded to the size of a long.
    private static int CmsgSpace => sizeof(CmsgHdr) + ((sizeof(int) + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1));

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);
}
