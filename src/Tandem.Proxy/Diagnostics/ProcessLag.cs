using System.Net;
using System.Net.Sockets;

namespace Tandem.Proxy.Diagnostics;

/// <summary>
/// Notices when this process runs too late to judge a server by a timeout. With inline I/O (<c>IoScheduling</c>) every
/// socket completion runs on a few epoll threads; when they are swamped (a thousand slow clients on a machine whose
/// cores are taken by other work), the kernel may connect to a server at once and Tandem still see it seconds later,
/// after the connect timeout fired: measured with bench/abuse.sh's slow-read attack, connect timeouts to a healthy
/// loopback nginx ejected the lone server for 10 s. A timeout in such a moment says nothing about the server.
/// <para>
/// Every <see cref="Interval"/> the probe sends one datagram over loopback to each of a few receiving sockets (spread
/// over the socket engines) and notes how long each receive takes to complete; a receive that completes more than
/// <see cref="LateAfter"/> after its send, or is still pending that long, means the process is late, and so does a
/// probe tick that itself comes that late (timer or thread pool starved). <see cref="LateSince"/> answers whether that
/// happened since a given moment. Loopback only; about 4 datagrams per second per receiver.
/// </para>
/// Concurrency: the probe loop and the receive loops write; any thread reads (volatile longs, no locks).
/// </summary>
internal sealed class ProcessLag : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan LateAfter = TimeSpan.FromMilliseconds(500);

    private readonly TimeProvider _time;
    private readonly Socket _sender;
    private readonly Socket[] _receivers;
    /// <summary>Per receiver: when its datagram in flight was sent; 0 none in flight; <see cref="Dead"/> its loop ended.</summary>
    private readonly long[] _sentAt;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    /// <summary>A receiver whose loop ended (a socket error): it is neither sent to nor judged, so it can never read as late for ever.</summary>
    private const long Dead = -1;
    private long _lastLate = long.MinValue;

    private ProcessLag(TimeProvider time, Socket sender, Socket[] receivers)
    {
        _time = time;
        _sender = sender;
        _receivers = receivers;
        _sentAt = new long[receivers.Length];
        var loops = new Task[receivers.Length + 1];
        for (var i = 0; i < receivers.Length; i++)
        {
            loops[i] = ReceiveAsync(i, _stop.Token);
        }
        loops[^1] = ProbeAsync(_stop.Token);
        _running = Task.WhenAll(loops);
    }

    /// <summary>A probe over loopback UDP; null when the sockets cannot be made (then nothing is ever reported late).</summary>
    public static ProcessLag? Start(TimeProvider time)
    {
        var receivers = new Socket[Math.Clamp(Environment.ProcessorCount, 1, 4)];
        var made = 0;
        try
        {
            for (; made < receivers.Length; made++)
            {
                receivers[made] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                receivers[made].Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }
            var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            return new ProcessLag(time, sender, receivers);
        }
        catch (SocketException)
        {
            for (var i = 0; i < made; i++)
            {
                receivers[i].Dispose();
            }
            return null;
        }
    }

    /// <summary>
    /// Whether the process ran late at some point after <paramref name="timestamp"/> (a <see cref="TimeProvider.GetTimestamp"/>
    /// value), or is late now.
    /// </summary>
    public bool LateSince(long timestamp)
    {
        if (Volatile.Read(ref _lastLate) >= timestamp)
        {
            return true;
        }
        var now = _time.GetTimestamp();
        for (var i = 0; i < _sentAt.Length; i++)
        {
            var sent = Volatile.Read(ref _sentAt[i]);
            if (sent > 0 && _time.GetElapsedTime(sent, now) > LateAfter)
            {
                return true;
            }
        }
        return false;
    }

    private void Late(long at)
    {
        // Only ever forward: a stale writer must not move the mark back.
        var seen = Volatile.Read(ref _lastLate);
        while (at > seen)
        {
            var found = Interlocked.CompareExchange(ref _lastLate, at, seen);
            if (found == seen)
            {
                return;
            }
            seen = found;
        }
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var one = new byte[1];
        var previous = _time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(previous, now) > Interval + LateAfter)
            {
                Late(now);
            }
            previous = now;
            for (var i = 0; i < _receivers.Length; i++)
            {
                if (Volatile.Read(ref _sentAt[i]) != 0)
                {
                    continue; // the last one is still on its way (LateSince sees it), or the receiver is dead
                }
                Volatile.Write(ref _sentAt[i], now);
                try
                {
                    _sender.SendTo(one, _receivers[i].LocalEndPoint!);
                }
                catch (SocketException)
                {
                    Volatile.Write(ref _sentAt[i], 0);
                }
            }
        }
    }

    private async Task ReceiveAsync(int index, CancellationToken cancellationToken)
    {
        var buffer = new byte[16];
        var receiver = _receivers[index];
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await receiver.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                Volatile.Write(ref _sentAt[index], Dead);
                return;
            }
            var sent = Volatile.Read(ref _sentAt[index]);
            var now = _time.GetTimestamp();
            if (sent > 0 && _time.GetElapsedTime(sent, now) > LateAfter)
            {
                Late(now);
            }
            Volatile.Write(ref _sentAt[index], 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The loops end first, then their sockets go: the probe loop may be between its delay and a send when the stop
        // comes, and a socket disposed under it would throw out of DisposeAsync.
        await _stop.CancelAsync();
        await _running;
        _sender.Dispose();
        foreach (var receiver in _receivers)
        {
            receiver.Dispose();
        }
        _stop.Dispose();
    }
}
