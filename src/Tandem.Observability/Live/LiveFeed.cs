using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Observability.Live;

/// <summary>
/// Pushes one snapshot of every pool and server to each live client after every <see cref="LiveStats"/> tick.
/// The snapshot is written once per tick (only while someone listens) and handed to each client's bounded channel
/// with <c>TryWrite</c>, so the timer never waits for a client: a client whose channel is full is dropped.
/// Concurrency: <see cref="Subscribe"/> and client removal under a lock; the tick handler reads an immutable array.
/// </summary>
internal sealed class LiveFeed : IDisposable
{
    /// <summary>Clients at once; more get 503.</summary>
    public const int DefaultMaxClients = 32;

    /// <summary>Events a client may fall behind before it is dropped.</summary>
    public const int DefaultCapacity = 8;

    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    private readonly PoolRegistry _pools;
    private readonly LiveStats _live;
    private readonly Func<TandemConfig?> _config;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private LiveClient[] _clients = [];
    private long _nextId;
    private bool _disposed;

    public LiveFeed(PoolRegistry pools, LiveStats live, ILogger logger, int maxClients = DefaultMaxClients, int capacity = DefaultCapacity,
        Func<TandemConfig?>? config = null)
    {
        _pools = pools;
        _live = live;
        _config = config ?? (static () => null);
        _logger = logger;
        MaxClients = maxClients;
        Capacity = capacity;
        _live.Sampled += OnSampled;
    }

    public int MaxClients { get; }

    public int Capacity { get; }

    public int Count => Volatile.Read(ref _clients).Length;

    /// <summary>A new client, or null when <see cref="MaxClients"/> are connected (or the feed is stopping).</summary>
    public LiveClient? Subscribe(string remote)
    {
        LiveClient client;
        int count;
        lock (_gate)
        {
            if (_disposed || _clients.Length >= MaxClients)
            {
                LiveLog.ClientRefused(_logger, remote, MaxClients);
                return null;
            }
            client = new LiveClient(this, $"#{++_nextId} {remote}", Capacity);
            _clients = [.. _clients, client];
            count = _clients.Length;
        }
        LiveLog.ClientConnected(_logger, client.Name, count);
        return client;
    }

    /// <summary>The current snapshot as one SSE event, for a client that just connected.</summary>
    public byte[] CurrentEvent(DateTimeOffset at) => Frame(LiveJson.Snapshot(_pools, _live, at, _config()));

    internal void Remove(LiveClient client, bool dropped)
    {
        int count;
        lock (_gate)
        {
            var index = Array.IndexOf(_clients, client);
            if (index < 0)
            {
                return;
            }
            _clients = [.. _clients[..index], .. _clients[(index + 1)..]];
            count = _clients.Length;
        }
        if (dropped)
        {
            LiveLog.ClientDropped(_logger, client.Name, Capacity);
        }
        else
        {
            LiveLog.ClientDisconnected(_logger, client.Name, count);
        }
    }

    private void OnSampled(DateTimeOffset at)
    {
        var clients = Volatile.Read(ref _clients);
        if (clients.Length == 0)
        {
            return;
        }
        var frame = Frame(LiveJson.Snapshot(_pools, _live, at, _config()));
        foreach (var client in clients)
        {
            if (!client.Offer(frame))
            {
                client.Close(dropped: true);
            }
        }
    }

    private static byte[] Frame(byte[] json)
    {
        var frame = new byte[DataPrefix.Length + json.Length + EventEnd.Length];
        DataPrefix.CopyTo(frame, 0);
        json.CopyTo(frame, DataPrefix.Length);
        EventEnd.CopyTo(frame, DataPrefix.Length + json.Length);
        return frame;
    }

    /// <summary>Stops the push: every client's stream ends, so shutdown does not wait for them.</summary>
    public void Dispose()
    {
        LiveClient[] clients;
        lock (_gate)
        {
            _disposed = true;
            clients = _clients;
        }
        _live.Sampled -= OnSampled;
        foreach (var client in clients)
        {
            client.Close(dropped: false);
        }
    }
}

/// <summary>One live client's queue of SSE frames. Concurrency: one writer (the tick), one reader (the client's request).</summary>
internal sealed class LiveClient
{
    private readonly LiveFeed _feed;
    private readonly Channel<byte[]> _channel;
    private int _closed;

    public LiveClient(LiveFeed feed, string name, int capacity)
    {
        _feed = feed;
        Name = name;
        _channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
    }

    public string Name { get; }

    public ChannelReader<byte[]> Reader => _channel.Reader;

    /// <summary>True when the client was dropped for falling behind.</summary>
    public bool Dropped { get; private set; }

    /// <summary>Cancelled when the client is dropped or the feed stops: ends a write stuck on a client that reads nothing.</summary>
    public CancellationTokenSource Closing { get; } = new();

    public bool Offer(byte[] frame) => _channel.Writer.TryWrite(frame);

    public void Close(bool dropped)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }
        Dropped = dropped;
        _channel.Writer.TryComplete();
        _feed.Remove(this, dropped);
        if (dropped)
        {
            Closing.Cancel();
        }
    }

    internal static readonly byte[] Heartbeat = Encoding.ASCII.GetBytes(": heartbeat\n\n");
}
