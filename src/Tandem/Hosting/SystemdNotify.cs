using System.Net.Sockets;
using System.Text;

namespace Tandem.Hosting;

/// <summary>
/// sd_notify(3) for <c>Type=notify</c> units: READY=1 once the node serves, RELOADING=1 and READY=1 around a config
/// reload, STOPPING=1 when it drains. A datagram to <c>$NOTIFY_SOCKET</c>; without that variable (not run by systemd)
/// every call does nothing. Microsoft.Extensions.Hosting.Systemd would send READY=1 when the admin host starts, which
/// here is not when the node is ready, and it has no RELOADING=1.
/// </summary>
internal static class SystemdNotify
{
    public static void Ready(string status) => Send("READY=1\nSTATUS=" + status);

    public static void Reloading() =>
        // MONOTONIC_USEC lets systemd (253+) tell this reload from an earlier one.
        Send($"RELOADING=1\nMONOTONIC_USEC={(long)System.Diagnostics.Stopwatch.GetElapsedTime(0).TotalMicroseconds}");

    public static void Stopping() => Send("STOPPING=1");

    private static void Send(string message)
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path) || OperatingSystem.IsWindows())
        {
            return;
        }
        // A leading '@' names a socket in the abstract namespace.
        if (path[0] == '@')
        {
            path = "\0" + path[1..];
        }
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(message), new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            // Not fatal: systemd then times the start out, which says more than a log line would.
        }
    }
}
