using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tandem.Proxy.Listeners.Transport;

namespace Tandem.Hosting.Handover;

/// <summary>
/// The running node's side of a handover: a unix SOCK_SEQPACKET control socket where a new <c>tandem run</c> with the
/// same config asks for the listening sockets. The exchange (text messages, see <see cref="FdPassing"/>):
/// <code>
/// new → old   hello 1
/// old → new   socket proxy 0.0.0.0:80        + the listening socket (one message per proxy and admin socket)
/// old → new   control                        + this control socket, so the new process answers the next upgrade
/// old → new   end PID
/// new → old   taken                          (the new process accepts on every socket it needs)
/// </code>
/// On "taken" the old process stops accepting on every socket (closing none: the new process holds them too, so
/// nothing queued is lost), stops itself, drains and exits; its end of the connection closes at exit, which tells
/// the new process that the pair channel, the VIP and the traffic history are free. A client that goes away before
/// "taken" changes nothing here. Handovers are served one at a time.
/// </summary>
internal sealed class HandoverServer : IAsyncDisposable
{
    internal const string Hello = "hello 1";
    internal const string SocketPrefix = "socket ";
    internal const string Control = "control";
    internal const string EndPrefix = "end ";
    internal const string Taken = "taken";

    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(5);
    // The new process binds and starts its listeners in between; generous for a loaded machine.
    private static readonly TimeSpan TakenTimeout = TimeSpan.FromSeconds(60);

    private readonly Socket _listener;
    private readonly string _path;
    private readonly ListenSocketRegistry _registry;
    private readonly Action _stop;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _acceptLoop;
    private Socket? _successor;
    private int _handedOver;

    private HandoverServer(Socket listener, string path, ListenSocketRegistry registry, Action stop, ILogger logger)
    {
        _listener = listener;
        _path = path;
        _registry = registry;
        _stop = stop;
        _logger = logger;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Whether a successor took the sockets (this node then drains and exits, and leaves the control socket to it).</summary>
    public bool HandedOver => Volatile.Read(ref _handedOver) == 1;

    /// <summary>
    /// Listens on <paramref name="adopted"/> (the predecessor's control socket) or binds <paramref name="path"/>;
    /// null, with a warning, when the path cannot be bound (the node runs, without handover).
    /// </summary>
    /// <param name="path">The control socket's path.</param>
    /// <param name="adopted">The predecessor's control socket, already bound to <paramref name="path"/>; null to bind it.</param>
    /// <param name="registry">The listening sockets to hand over.</param>
    /// <param name="stop">Stops this node once a successor took over.</param>
    /// <param name="logger">Where handover attempts are logged.</param>
    public static HandoverServer? Start(string path, Socket? adopted, ListenSocketRegistry registry, Action stop, ILogger logger)
    {
        var listener = adopted;
        if (listener is null)
        {
            try
            {
                var directory = Path.GetDirectoryName(path)!;
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    // Only this user may connect: whoever can, gets the listening sockets.
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
                // Any file still here belongs to no running node: the handover attempt before start found nobody.
                File.Delete(path);
                listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
                listener.Bind(new UnixDomainSocketEndPoint(path));
                listener.Listen(4);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SocketException)
            {
                listener?.Dispose();
                HandoverLog.ControlUnavailable(logger, path, ex.Message);
                return null;
            }
        }
        return new HandoverServer(listener, path, registry, stop, logger);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_closing.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                // Cancelled rather than closed under a pending accept: the socket may be shared with a successor.
                connection = await _listener.AcceptAsync(_closing.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                HandoverLog.ExchangeFailed(_logger, ex.Message);
                continue;
            }
            var handedOver = await Task.Run(() => Exchange(connection), CancellationToken.None);
            if (handedOver)
            {
                return;
            }
        }
    }

    /// <summary>One handover attempt; true when the successor took over (the connection is then kept until exit).</summary>
    private bool Exchange(Socket connection)
    {
        try
        {
            var (hello, fd) = FdPassing.Receive(connection, HelloTimeout);
            fd?.Dispose();
            if (hello != Hello)
            {
                throw new IOException($"unexpected greeting '{hello}'");
            }
            var sockets = _registry.Live();
            foreach (var (key, socket) in sockets)
            {
                try
                {
                    FdPassing.Send(connection, SocketPrefix + key, socket.SafeHandle, HelloTimeout);
                }
                catch (ObjectDisposedException)
                {
                    // Closed by a reload a moment ago: the new process binds that address itself.
                }
            }
            FdPassing.Send(connection, Control, _listener.SafeHandle, HelloTimeout);
            FdPassing.Send(connection, EndPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture), null, HelloTimeout);
            var (answer, extra) = FdPassing.Receive(connection, TakenTimeout);
            extra?.Dispose();
            if (answer != Taken)
            {
                throw new IOException(answer is null ? "the new process went away before taking over" : $"unexpected answer '{answer}'");
            }
            Volatile.Write(ref _handedOver, 1);
            _successor = connection;
            _registry.StopAccepting();
            HandoverLog.HandedOver(_logger, sockets.Count);
            _stop();
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or TimeoutException)
        {
            HandoverLog.ExchangeFailed(_logger, ex.Message);
            connection.Dispose();
            return false;
        }
    }

    /// <summary>Stops answering; removes the control socket unless a successor now owns it; tells the successor this process is done.</summary>
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        await _acceptLoop;
        if (!HandedOver)
        {
            try
            {
                File.Delete(_path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left behind: the next node finds nobody listening there and removes it.
            }
        }
        _listener.Dispose();
        _successor?.Dispose();
        _closing.Dispose();
    }
}
