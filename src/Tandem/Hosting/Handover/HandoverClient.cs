using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tandem.Proxy.Listeners.Transport;

namespace Tandem.Hosting.Handover;

/// <summary>
/// The new process's side of a handover (see <see cref="HandoverServer"/> for the protocol): connects to the running
/// node's control socket, receives its listening sockets into a <see cref="ListenSocketRegistry"/>, says when it
/// accepts on them, and learns when the old process has exited.
/// </summary>
internal sealed class HandoverClient : IDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);
    private readonly Socket _connection;

    private HandoverClient(Socket connection, int predecessorPid, Socket? controlListener, int sockets)
    {
        _connection = connection;
        PredecessorPid = predecessorPid;
        ControlListener = controlListener;
        Sockets = sockets;
    }

    public int PredecessorPid { get; }

    /// <summary>The predecessor's control socket, for this process to listen on in turn (owned by the caller).</summary>
    public Socket? ControlListener { get; }

    /// <summary>How many listening sockets the predecessor handed over.</summary>
    public int Sockets { get; }

    /// <summary>
    /// Takes the listening sockets of the node listening on <paramref name="path"/>; null when there is none (no file,
    /// or a file a crashed node left behind, which is removed) or the exchange fails (logged).
    /// </summary>
    public static HandoverClient? TryConnect(string path, ListenSocketRegistry registry, ILogger logger)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var connection = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            connection.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            // Nobody listens: the node that made it is gone.
            connection.Dispose();
            TryDelete(path);
            return null;
        }
        Socket? control = null;
        var received = 0;
        try
        {
            FdPassing.Send(connection, HandoverServer.Hello, null, ReplyTimeout);
            while (true)
            {
                var (text, fd) = FdPassing.Receive(connection, ReplyTimeout);
                if (text is null)
                {
                    throw new IOException("the running node closed the control connection");
                }
                if (text.StartsWith(HandoverServer.SocketPrefix, StringComparison.Ordinal) && fd is not null)
                {
                    registry.Inherit(text[HandoverServer.SocketPrefix.Length..], new Socket(fd));
                    received++;
                }
                else if (text == HandoverServer.Control && fd is not null)
                {
                    control = new Socket(fd);
                }
                else if (text.StartsWith(HandoverServer.EndPrefix, StringComparison.Ordinal))
                {
                    var pid = int.Parse(text.AsSpan(HandoverServer.EndPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);
                    HandoverLog.Receiving(logger, received, pid, path);
                    return new HandoverClient(connection, pid, control, received);
                }
                else
                {
                    fd?.Dispose();
                    throw new IOException($"unexpected message '{text}'");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or FormatException or OverflowException)
        {
            HandoverLog.ConnectFailed(logger, path, ex.Message);
            connection.Dispose();
            control?.Dispose();
            registry.CloseUnclaimed();
            return null;
        }
    }

    /// <summary>Tells the predecessor that this process accepts on every socket: it stops accepting, drains and exits.</summary>
    public bool SendTaken()
    {
        try
        {
            FdPassing.Send(_connection, HandoverServer.Taken, null, ReplyTimeout);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Waits until the predecessor has exited (its end of the connection closes); false after <paramref name="bound"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < bound && !cancellationToken.IsCancellationRequested)
        {
            var exited = await Task.Run(() =>
            {
                try
                {
                    // Poll in short slices so a stop of this node is noticed.
                    var (text, fd) = FdPassing.Receive(_connection, TimeSpan.FromMilliseconds(250));
                    fd?.Dispose();
                    return text is null;
                }
                catch (TimeoutException)
                {
                    return false;
                }
                catch (SocketException)
                {
                    return true;
                }
            }, CancellationToken.None);
            if (exited)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose() => _connection.Dispose();

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The bind that follows reports what is wrong with the directory.
        }
    }
}
