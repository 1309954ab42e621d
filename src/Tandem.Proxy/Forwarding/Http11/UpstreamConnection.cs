using System.Net;
using System.Net.Sockets;

namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>Why a connection was cut while an exchange used it.</summary>
internal enum ConnectionAbort
{
    None,
    TimedOut,
    ClientLeft,
}

/// <summary>
/// One HTTP/1.1 connection to a server, kept alive between exchanges: the socket, a read buffer holding what the server
/// sent and nobody consumed yet, a write buffer for request heads, the parsed response head and a timer that cuts the
/// connection when the server is silent too long. Concurrency: one exchange at a time (the pool hands it to one
/// request); <see cref="Abort"/> may come from any thread (a timer, the client leaving).
/// </summary>
internal sealed class UpstreamConnection : IDisposable
{
    private const int InitialBufferSize = 8 * 1024;

    private readonly Socket _socket;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    // The silence deadline (a TimeProvider timestamp; Never while disarmed), when the timer is set to fire next, and the
    // last wait armed (TimeSpan ticks). See Arm.
    private long _deadline = Never;
    private long _fireAt = Never;
    private long _lastWait;
    private int _ticks;
    private byte[] _read;
    private byte[] _write;
    private int _abort;
    private int _disposed;

    private UpstreamConnection(Socket socket, TimeProvider time)
    {
        _socket = socket;
        _time = time;
        // Owned, not pooled: a connection lives for many exchanges, and a read pending on a cut socket may still
        // complete into its buffer.
        _read = GC.AllocateUninitializedArray<byte>(InitialBufferSize);
        _write = GC.AllocateUninitializedArray<byte>(InitialBufferSize);
        _timer = time.CreateTimer(static s => ((UpstreamConnection)s!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The head of the response being read; reused for each.</summary>
    public ResponseHead Head { get; } = new();

    /// <summary>The last values of the response headers servers send most, reused while their bytes do not change.</summary>
    public ResponseHeaderValues HeaderValues { get; } = new();

    /// <summary>The chunked body decoder of the response being read.</summary>
    public ChunkedDecoder Chunks;

    /// <summary>Whether the connection served an exchange before this one (a kept-alive connection the server may have closed meanwhile).</summary>
    public bool Reused { get; set; }

    /// <summary>When the connection went back to its pool (a <see cref="TimeProvider"/> timestamp).</summary>
    public long IdleSince { get; set; }

    /// <summary>Why the connection was cut during the current exchange; <see cref="ConnectionAbort.None"/> while it was not.</summary>
    public ConnectionAbort AbortReason => (ConnectionAbort)Volatile.Read(ref _abort);

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Received bytes not consumed yet: <c>Buffer[Start..End]</c>.</summary>
    public byte[] Buffer => _read;

    public int Start { get; set; }

    public int End { get; private set; }

    public int Buffered => End - Start;

    /// <summary>The buffer the request head is written into; see <see cref="GrowWriteBuffer"/>.</summary>
    public byte[] WriteBuffer => _write;

    /// <summary>Connects to <paramref name="address"/> within <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">No connection within the timeout.</exception>
    /// <exception cref="SocketException">The connection was refused or the network is unreachable.</exception>
    public static async ValueTask<UpstreamConnection> ConnectAsync(IPEndPoint address, TimeSpan timeout, TimeProvider time, CancellationToken aborted)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(address, limit.Token);
            return new UpstreamConnection(socket, time);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"no connection to {address} within {timeout.TotalMilliseconds:0} ms");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private const long Never = long.MaxValue;

    /// <summary>Cuts the connection when the server stays silent for <paramref name="wait"/> from now (a negative or endless wait disarms).</summary>
    /// <remarks>
    /// Arming writes a deadline; it moves the timer only when the timer would fire after that deadline. The timer checks
    /// the deadline when it fires: passed, it cuts the connection; later (a newer exchange re-armed meanwhile) or disarmed,
    /// it sets itself again. So under load a connection's timer moves about once per wait instead of twice per exchange,
    /// and the request path takes no timer-queue lock (each <see cref="ITimer.Change"/> takes one). The deadline is
    /// written before the fire time is read, and the timer writes the fire time before it reads the deadline again, both
    /// with full fences, so one of the two always sees the other's write: a deadline is never left without a timer.
    /// </remarks>
    public void Arm(TimeSpan wait)
    {
        if (wait < TimeSpan.Zero || wait == TimeSpan.MaxValue)
        {
            Disarm();
            return;
        }
        var now = _time.GetTimestamp();
        var deadline = now + ToTimestampTicks(wait);
        _lastWait = wait.Ticks;
        Interlocked.Exchange(ref _deadline, deadline);
        if (deadline < Interlocked.Read(ref _fireAt))
        {
            Interlocked.Exchange(ref _fireAt, deadline);
            _timer.Change(Due(wait), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>No deadline: the timer, if set, finds nothing to cut when it fires.</summary>
    public void Disarm() => Volatile.Write(ref _deadline, Never);

    private void Tick()
    {
        // One tick at a time: a tick that finds another running leaves it to look once more.
        if (Interlocked.Increment(ref _ticks) != 1)
        {
            return;
        }
        do
        {
            CheckDeadline();
        }
        while (Interlocked.Decrement(ref _ticks) != 0);
    }

    private void CheckDeadline()
    {
        while (!IsDisposed)
        {
            var now = _time.GetTimestamp();
            var deadline = Interlocked.Read(ref _deadline);
            if (deadline <= now)
            {
                Abort(ConnectionAbort.TimedOut);
                return;
            }
            // Disarmed: look again after the last wait (at least a second), so an idle connection costs a tick per wait.
            var wait = deadline == Never ? TimeSpan.FromTicks(Math.Max(_lastWait, TimeSpan.TicksPerSecond)) : _time.GetElapsedTime(now, deadline);
            var fireAt = deadline == Never ? now + ToTimestampTicks(wait) : deadline;
            Interlocked.Exchange(ref _fireAt, fireAt);
            try
            {
                _timer.Change(Due(wait), Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            // An Arm between the read above and the fire time written may have read the old fire time and left the
            // timer alone: its deadline, if earlier than the fire time set now, is handled here.
            if (Interlocked.Read(ref _deadline) >= fireAt)
            {
                return;
            }
        }
    }

    /// <summary>A timer's longest due time is about 49 days; a longer wait fires early and is set again.</summary>
    private static TimeSpan Due(TimeSpan wait) => wait < MaxDue ? wait : MaxDue;

    private static readonly TimeSpan MaxDue = TimeSpan.FromDays(1);

    private long ToTimestampTicks(TimeSpan wait)
    {
        var frequency = _time.TimestampFrequency;
        var seconds = wait.Ticks / TimeSpan.TicksPerSecond;
        return seconds >= long.MaxValue / 4 / frequency
            ? long.MaxValue / 4
            : seconds * frequency + (wait.Ticks % TimeSpan.TicksPerSecond) * frequency / TimeSpan.TicksPerSecond;
    }

    /// <summary>Starts an exchange: nothing cut yet, nothing decided.</summary>
    public void BeginExchange(TimeSpan responseTimeout, TimeSpan idleTimeout)
    {
        Volatile.Write(ref _abort, 0);
        ResponseTimeout = responseTimeout;
        IdleTimeout = idleTimeout;
        Reusable = false;
        TryAgain = false;
    }

    /// <summary>The current exchange's wait for the response head.</summary>
    public TimeSpan ResponseTimeout { get; private set; }

    /// <summary>The current exchange's longest silence of the server after the head.</summary>
    public TimeSpan IdleTimeout { get; private set; }

    /// <summary>The current exchange ended cleanly: the connection may carry another.</summary>
    public bool Reusable { get; set; }

    /// <summary>The current exchange found this kept-alive connection closed before the server saw anything: a new one may carry the request.</summary>
    public bool TryAgain { get; set; }

    /// <summary>Where in <see cref="Buffer"/> the final response head began (its fields' offsets count from there).</summary>
    public int HeadStart { get; set; }

    /// <summary>Cuts the connection (a pending read or write fails at once); the first reason given is kept.</summary>
    public void Abort(ConnectionAbort reason)
    {
        Interlocked.CompareExchange(ref _abort, (int)reason, 0);
        CloseSocket();
    }

    /// <summary>Makes the write buffer at least <paramref name="size"/> bytes, keeping its first <paramref name="used"/> bytes.</summary>
    public byte[] GrowWriteBuffer(int used, int size)
    {
        var bigger = GC.AllocateUninitializedArray<byte>(Math.Max(size, _write.Length * 2));
        _write.AsSpan(0, used).CopyTo(bigger);
        _write = bigger;
        return bigger;
    }

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None);
            data = data[sent..];
        }
    }

    /// <summary>
    /// Reads what the server sent next after the unconsumed bytes, moving them to the front or growing the buffer (up to
    /// <paramref name="limit"/> bytes) when there is no room. Gives the bytes read, 0 at the end of the stream, or -1
    /// when the buffer is full at the limit; pass that to <see cref="Received"/>:
    /// <c>n = connection.Received(await connection.ReceiveAsync(limit))</c>.
    /// </summary>
    /// <remarks>
    /// Not an async method: the socket's own read is returned as it is, so waiting for the server allocates nothing
    /// (an async method would put a state machine box on the heap for every response it waits for).
    /// </remarks>
    public ValueTask<int> ReceiveAsync(int limit)
    {
        if (Start == End)
        {
            Start = End = 0;
        }
        if (End == _read.Length)
        {
            if (Start > 0)
            {
                Array.Copy(_read, Start, _read, 0, End - Start);
                End -= Start;
                Start = 0;
            }
            else if (_read.Length >= limit)
            {
                return new ValueTask<int>(-1);
            }
            else
            {
                var bigger = GC.AllocateUninitializedArray<byte>(Math.Min(limit, _read.Length * 2));
                Array.Copy(_read, bigger, End);
                _read = bigger;
            }
        }
        return _socket.ReceiveAsync(_read.AsMemory(End), SocketFlags.None);
    }

    /// <summary>Counts the bytes a <see cref="ReceiveAsync"/> read into <see cref="Buffer"/>; returns <paramref name="received"/>.</summary>
    public int Received(int received)
    {
        if (received > 0)
        {
            End += received;
        }
        return received;
    }

    /// <summary>Whether the server closed (or wrote to) this idle connection: either way it cannot carry a request now.</summary>
    public bool LooksClosed()
    {
        try
        {
            return _socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _timer.Dispose();
        CloseSocket();
    }

    private void CloseSocket()
    {
        try
        {
            _socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
