using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Tandem.Proxy.Caching.Redis;

/// <summary>
/// The cache's shared tier in Redis (<c>cache.redis</c>), standalone or cluster. <see cref="Start"/> returns at once
/// and connects in the background; until Redis answers, and whenever it stops answering, every call is a miss or a
/// dropped write that costs nothing (an open circuit), never an exception or a wait past
/// <see cref="RedisCacheTierOptions.OperationTimeout"/>. Purges that could not reach Redis are kept and applied when it
/// is back. Purges are announced on a pub/sub channel; every other node's tier raises <see cref="Purged"/>.
/// </summary>
/// <remarks>
/// Concurrency: get, set, remove and purge from any thread, without locks (the circuit is two interlocked words). One
/// background loop connects, probes while the circuit is open (with backoff on the injected clock), subscribes and
/// replays deferred purges; it alone closes the circuit.
/// </remarks>
public sealed partial class RedisCacheTier : ISharedCacheTier
{
    // Adds a member to an index set and makes the set live at least as long as the member (PTTL is -1 for a new set).
    // One key per script, so it runs on that key's node in a cluster.
    private const string AddToIndexScript = """
        redis.call('SADD', KEYS[1], ARGV[1])
        local ttl = tonumber(ARGV[2])
        if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
        return 1
        """;

    private readonly RedisCacheTierOptions _options;
    private readonly ConfigurationOptions _configuration;
    private readonly RedisCacheKeys _keys;
    private readonly RedisPurger _purger;
    private readonly RedisCircuit _circuit;
    private readonly PendingPurges _pending;
    private readonly RedisChannel _channel;
    private readonly string _endpoints;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _opened = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Action<RedisChannel, RedisValue> _onMessage;
    private readonly Task _loop;
    private volatile ConnectionMultiplexer? _redis;
    private volatile IDatabase? _database;
    private int _disposed;

    private RedisCacheTier(RedisCacheTierOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _time = time;
        NodeId = options.NodeId ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");
        _endpoints = string.Join(',', options.Endpoints);
        _keys = new RedisCacheKeys(options.KeyPrefix);
        _purger = new RedisPurger(_keys, options.PurgeBatchSize);
        _circuit = new RedisCircuit(options.FailuresToOpen, options.ProbeDelay, options.MaxProbeDelay);
        _pending = new PendingPurges(options.MaxPendingPurges);
        _channel = RedisChannel.Literal(options.Channel);
        _configuration = Configuration(options);
        _onMessage = OnMessage;
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>
    /// Starts the tier: returns at once, connects in the background. The host disposes it on shutdown (or when a
    /// reload removes or changes <c>cache.redis</c>). Throws only for options that cannot work (no endpoint, a malformed
    /// one, a node id with a line break).
    /// </summary>
    public static RedisCacheTier Start(RedisCacheTierOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(time);
        if (options.Endpoints.Count == 0)
        {
            throw new ArgumentException("cache.redis names no endpoint", nameof(options));
        }
        if (options.NodeId is { } node && node.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("the node id must not contain a line break", nameof(options));
        }
        if (options.OperationTimeout <= TimeSpan.Zero || options.PurgeTimeout <= TimeSpan.Zero || options.ProbeDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException("the Redis tier's timeouts and probe delay must be positive", nameof(options));
        }
        return new RedisCacheTier(options, loggerFactory.CreateLogger<RedisCacheTier>(), time);
    }

    /// <summary>This node's name in purge announcements.</summary>
    public string NodeId { get; }

    /// <inheritdoc />
    public bool Available => _circuit.IsClosed;

    /// <inheritdoc />
    public event Action<CachePurge>? Purged;

    /// <inheritdoc />
    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var database = _database;
        return database is null || !_circuit.IsClosed ? ValueTask.FromResult<byte[]?>(null) : GetAsync(database, key, cancellationToken);
    }

    private async ValueTask<byte[]?> GetAsync(IDatabase database, string key, CancellationToken cancellationToken)
    {
        try
        {
            var value = await Bounded(database.StringGetAsync(_keys.Value(key)), cancellationToken);
            _circuit.Succeeded();
            return (byte[]?)value;
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            Failed(ex);
            return null;
        }
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var database = _database;
        return database is null || !_circuit.IsClosed || timeToLive <= TimeSpan.Zero
            ? ValueTask.CompletedTask
            : SetAsync(database, key, value, timeToLive, tags, cancellationToken);
    }

    private async ValueTask SetAsync(IDatabase database, string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, IReadOnlyList<string> tags,
        CancellationToken cancellationToken)
    {
        try
        {
            // A copy: a command given up on at the timeout may still be written later, from a buffer the caller has reused.
            Task write = database.StringSetAsync(_keys.Value(key), value.ToArray(), timeToLive);
            var primary = RedisCacheKeys.PrimaryOf(key);
            if (tags.Count > 0 || primary is not null)
            {
                var ttl = (long)Math.Ceiling(timeToLive.TotalMilliseconds);
                var writes = new Task[1 + tags.Count + (primary is null ? 0 : 1)];
                writes[0] = write;
                for (var i = 0; i < tags.Count; i++)
                {
                    writes[1 + i] = database.ScriptEvaluateAsync(AddToIndexScript, [_keys.Tag(tags[i])], [key, ttl]);
                }
                if (primary is not null)
                {
                    writes[^1] = database.ScriptEvaluateAsync(AddToIndexScript, [_keys.Variants(primary)], [key, ttl]);
                }
                write = Task.WhenAll(writes);
            }
            await RedisTasks.Bounded(write, _options.OperationTimeout, _time, cancellationToken);
            _circuit.Succeeded();
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            Failed(ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        var database = _database;
        if (database is null || !_circuit.IsClosed)
        {
            return;
        }
        try
        {
            await Bounded(database.KeyDeleteAsync(_keys.Value(key)), cancellationToken);
            _circuit.Succeeded();
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            Failed(ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Bounded by <see cref="RedisCacheTierOptions.PurgeTimeout"/>, not the operation timeout: a prefix scans every
    /// master. A purge that does not reach Redis (circuit open, failure, timeout) returns -1 and is kept: it is applied
    /// and announced when Redis is back, before the circuit closes, so no node reads a purged object from Redis again.
    /// </remarks>
    public async ValueTask<long> PurgeAsync(CachePurge purge, CancellationToken cancellationToken)
    {
        var redis = _redis;
        if (redis is null || !_circuit.IsClosed)
        {
            Defer(purge, "Redis is unavailable");
            return -1;
        }
        try
        {
            var removed = await ApplyAsync(redis, purge, cancellationToken);
            _circuit.Succeeded();
            return removed;
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            Failed(ex);
            Defer(purge, ex is OperationCanceledException ? "not done within " + _options.PurgeTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s" : Reason(ex));
            return -1;
        }
    }

    /// <summary>Removes from Redis, then announces: a node that drops its copy must not find the object in Redis again.</summary>
    private async Task<long> ApplyAsync(ConnectionMultiplexer redis, CachePurge purge, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.PurgeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var removed = await _purger.PurgeAsync(redis, purge, linked.Token);
        await RedisTasks.Bounded(redis.GetSubscriber().PublishAsync(_channel, PurgeMessage.Format(NodeId, purge)), linked.Token);
        return removed;
    }

    private void Defer(CachePurge purge, string reason)
    {
        if (_pending.Add(purge))
        {
            RedisCacheLog.PurgesOverflowed(_logger, _options.MaxPendingPurges, _options.KeyPrefix);
        }
        else
        {
            RedisCacheLog.PurgeDeferred(_logger, purge.Kind, purge.Value, reason);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        if (!PurgeMessage.TryParse(message.ToString(), out var node, out var purge))
        {
            RedisCacheLog.MalformedPurge(_logger, _options.Channel);
            return;
        }
        if (node == NodeId || Purged is not { } purged)
        {
            return;
        }
        try
        {
            purged(purge);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The handler is the cache stage's; its failure must not end the subscription's delivery.
            RedisCacheLog.PurgedHandlerFailed(_logger, node, ex);
        }
    }

    private Task<T> Bounded<T>(Task<T> command, CancellationToken cancellationToken) =>
        RedisTasks.Bounded(command, _options.OperationTimeout, _time, cancellationToken);

    /// <summary>Everything but the caller's own cancellation is the store's failure, never the caller's exception.</summary>
    private static bool IsStoreFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    private void Failed(Exception ex)
    {
        if (_circuit.Failed())
        {
            RedisCacheLog.Unavailable(_logger, _endpoints, Reason(ex));
            _opened.Release();
        }
    }

    private string Reason(Exception ex) => ex switch
    {
        TimeoutException or OperationCanceledException => string.Create(CultureInfo.InvariantCulture,
            $"no answer within {_options.OperationTimeout.TotalMilliseconds} ms, {_circuit.FailuresToOpen} times in a row"),
        _ => ex.GetType().Name + ": " + ex.Message,
    };

    private static ConfigurationOptions Configuration(RedisCacheTierOptions options)
    {
        var configuration = new ConfigurationOptions
        {
            // Never wait for Redis at start; keep reconnecting in the background.
            AbortOnConnectFail = false,
            ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds,
            // Ours bounds every call (OperationTimeout); the client's own, checked once a second, frees what we gave up on
            // and bounds each page of a purge.
            AsyncTimeout = (int)Math.Max(2000, options.OperationTimeout.TotalMilliseconds),
            SyncTimeout = (int)Math.Max(2000, options.OperationTimeout.TotalMilliseconds),
            // Disconnected: fail at once instead of queueing commands until their timeout.
            BacklogPolicy = BacklogPolicy.FailFast,
            ReconnectRetryPolicy = new LinearRetry(500),
            Password = options.Password,
        };
        foreach (var endpoint in options.Endpoints)
        {
            configuration.EndPoints.Add(endpoint);
        }
        return configuration;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _database = null;
        await _stopping.CancelAsync();
        await _loop;
        _database = null;
        if (_redis is { } redis)
        {
            await redis.CloseAsync(allowCommandsToComplete: false);
            await redis.DisposeAsync();
        }
        _stopping.Dispose();
        _opened.Dispose();
    }
}
