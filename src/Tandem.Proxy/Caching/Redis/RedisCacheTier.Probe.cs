using StackExchange.Redis;

namespace Tandem.Proxy.Caching.Redis;

/// <summary>The tier's background loop: connect, probe while the circuit is open, subscribe, replay deferred purges.</summary>
public sealed partial class RedisCacheTier
{
    private bool _subscribed;

    private async Task RunAsync(CancellationToken stopping)
    {
        var attempt = 0;
        var reported = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (_circuit.IsClosed)
                {
                    // The call that opened the circuit logged it; wait for that.
                    await _opened.WaitAsync(stopping);
                    attempt = 0;
                    reported = true;
                    continue;
                }
                var failure = await ProbeAsync(stopping);
                if (failure is null)
                {
                    if (_circuit.TryClose())
                    {
                        RedisCacheLog.Available(_logger, _endpoints);
                    }
                    reported = false;
                    continue;
                }
                if (!reported)
                {
                    RedisCacheLog.Unavailable(_logger, _endpoints, failure);
                    reported = true;
                }
                await Task.Delay(_circuit.ProbeDelay(attempt++), _time, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Null when Redis is usable: a connected master answers PING and a GET of the probe key goes through the client's
    /// routing (in a cluster, to whichever master owns its slot); otherwise why not. It does not ask every master the
    /// client knows: those include the configured seeds, and a cluster whose master was replaced (its slots moved, the
    /// old node gone) is usable while that seed never answers again. A key on a master that is down is a miss or a
    /// dropped write at the call, as for any call.
    /// </summary>
    private async Task<string?> ProbeAsync(CancellationToken stopping)
    {
        try
        {
            // Bounded by the connect timeout; with AbortOnConnectFail off it returns a client that keeps reconnecting.
            var redis = _redis ??= await ConnectionMultiplexer.ConnectAsync(_configuration);
            IServer? master = null;
            foreach (var server in redis.GetServers())
            {
                if (server.IsConnected && !server.IsReplica)
                {
                    master = server;
                    break;
                }
            }
            if (master is null)
            {
                return "no master connected";
            }
            await Bounded(master.PingAsync(), stopping);
            var database = redis.GetDatabase();
            await Bounded(database.StringGetAsync(_keys.Probe), stopping);
            if (!_subscribed)
            {
                await Subscribe(redis, stopping);
            }
            await ReplayAsync(redis, stopping);
            _database ??= database;
            return null;
        }
        catch (Exception ex) when (IsStoreFailure(ex, stopping))
        {
            return Reason(ex);
        }
    }

    /// <summary>Once: the client subscribes again by itself after every reconnect.</summary>
    private async Task Subscribe(ConnectionMultiplexer redis, CancellationToken stopping)
    {
        var subscriber = redis.GetSubscriber();
        try
        {
            await RedisTasks.Bounded(subscriber.SubscribeAsync(_channel, _onMessage), _options.OperationTimeout, _time, stopping);
            _subscribed = true;
        }
        catch (Exception ex) when (IsStoreFailure(ex, stopping))
        {
            // The client may have kept the handler even though the command failed: drop it, or a later try would add it twice.
            subscriber.Unsubscribe(_channel, _onMessage, CommandFlags.FireAndForget);
            throw;
        }
    }

    /// <summary>Applies the purges deferred while Redis was down, oldest first; one that fails stops the replay (the probe retries).</summary>
    private async Task ReplayAsync(ConnectionMultiplexer redis, CancellationToken stopping)
    {
        var replayed = 0;
        if (_pending.TakeOverflow())
        {
            var subsumed = _pending.Count;
            try
            {
                await ApplyAsync(redis, PendingPurges.Everything, stopping);
            }
            catch
            {
                _pending.MarkOverflow();
                throw;
            }
            for (var i = 0; i < subsumed; i++)
            {
                _pending.Done();
            }
            replayed += subsumed + 1;
        }
        while (_pending.TryPeek(out var purge))
        {
            await ApplyAsync(redis, purge, stopping);
            _pending.Done();
            replayed++;
        }
        if (replayed > 0)
        {
            RedisCacheLog.PurgesReplayed(_logger, replayed);
        }
    }
}
