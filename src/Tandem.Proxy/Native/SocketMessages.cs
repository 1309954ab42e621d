using System.Runtime.InteropServices;

namespace Tandem.Proxy.Native;

/// <summary>
/// Linux <c>sendmsg</c>/<c>recvmsg</c> and their structures (<c>struct iovec</c>, <c>struct msghdr</c>,
/// <c>struct cmsghdr</c>, x86-64 and arm64 layout), for what .NET's sockets do not expose: passing listening sockets
/// to the next process (<see cref="Listeners.Transport.FdPassing"/>) and the UDP listener's packet info
/// (<see cref="Streams.StreamNative"/>).
/// </summary>
internal static unsafe partial class SocketMessages
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct MsgHdr
    {
        public byte* Name;
        public uint NameLen;
        public IoVec* Iov;
        public nuint IovLen;
        public byte* Control;
        public nuint ControlLen;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    internal static partial nint SendMsg(int socket, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    internal static partial nint RecvMsg(int socket, MsgHdr* message, int flags);
}
