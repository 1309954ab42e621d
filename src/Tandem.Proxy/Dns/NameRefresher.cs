using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Proxy.Dns;

/// <summary>
/// Keeps servers named by DNS pointed at their current addresses: names are resolved when a config is applied, then
/// again every <c>resolve-interval</c> (at the answer's TTL without one), and a failed lookup keeps the last good
/// addresses. Each change swaps the server's <see cref="ServerEndpoint"/> whole, so requests in flight are untouched.
/// Concurrency: <see cref="ResolveAsync"/> and <see cref="WatchAsync"/> are called one at a time (under the runtime's
/// gate); the loop shares with them only the concurrent maps below.
/// </summary>
internal sealed class NameRefresher(TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan MinTtl = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxTtl = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, IPAddress[]> _known = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _failing = new(StringComparer.OrdinalIgnoreCase);
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;
    /// <summary>The shortest TTL of the last names <see cref="ResolveAsync"/> looked up: when the next loop first asks again.</summary>
    private TimeSpan? _ttl;

    /// <summary>Resolves the names of <paramref name="config"/> not resolved before, so new servers start at the right address.</summary>
    public async Task ResolveAsync(TandemConfig config, CancellationToken cancellationToken)
    {
        var fresh = new List<string>();
        foreach (var host in Names(config))
        {
            if (!_known.ContainsKey(host))
            {
                fresh.Add(host);
            }
        }
        if (fresh.Count > 0)
        {
            _ttl = await ResolveAllAsync(NameResolvers.For(config.Resolver), fresh, cancellationToken);
        }
    }

    /// <summary>Points the named servers of <paramref name="pools"/> at the known addresses and follows their names from now on.</summary>
    public async Task WatchAsync(TandemConfig config, IEnumerable<PoolState> pools)
    {
        var servers = new List<ServerState>();
        foreach (var pool in pools)
        {
            foreach (var server in pool.Servers)
            {
                if (server.Address.Ip is null)
                {
                    servers.Add(server);
                }
            }
        }
        Apply(servers);
        await StopLoopAsync();
        if (servers.Count == 0)
        {
            return;
        }
        _stop = new CancellationTokenSource();
        var resolver = NameResolvers.For(config.Resolver);
        var hosts = new List<string>(Names(config));
        var ttl = _ttl;
        var stop = _stop.Token;
        _loop = Task.Run(() => RunAsync(resolver, config.ResolveInterval, hosts, servers, ttl, stop), CancellationToken.None);
    }

    private async Task RunAsync(INameResolver resolver, TimeSpan? interval, List<string> hosts, List<ServerState> servers, TimeSpan? ttl,
        CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(NextDelay(interval, ttl), time, cancellationToken);
                ttl = await ResolveAllAsync(resolver, hosts, cancellationToken);
                Apply(servers);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Replaced by a newer config's loop, or stopped.
        }
    }

    private static TimeSpan NextDelay(TimeSpan? interval, TimeSpan? ttl) =>
        interval ?? (ttl is { } t ? TimeSpan.FromTicks(Math.Clamp(t.Ticks, MinTtl.Ticks, MaxTtl.Ticks)) : ConfigDefaults.ResolveInterval);

    private void Apply(List<ServerState> servers)
    {
        foreach (var server in servers)
        {
            if (_known.TryGetValue(server.Address.Host, out var addresses) && !NameAnswers.Same(server.Endpoint.Addresses, addresses))
            {
                server.Resolved(addresses);
            }
        }
    }

    /// <summary>Looks every host up at once; returns the shortest TTL among the answers (null when none gave one).</summary>
    private async Task<TimeSpan?> ResolveAllAsync(INameResolver resolver, List<string> hosts, CancellationToken cancellationToken)
    {
        var lookups = new Task<NameAnswer>[hosts.Count];
        for (var i = 0; i < hosts.Count; i++)
        {
            lookups[i] = ResolveOneAsync(resolver, hosts[i], cancellationToken);
        }
        await Task.WhenAll(lookups);
        TimeSpan? ttl = null;
        for (var i = 0; i < hosts.Count; i++)
        {
            var host = hosts[i];
            var answer = lookups[i].Result;
            _known.TryGetValue(host, out var previous);
            if (!answer.Resolved)
            {
                // One line when a name starts failing, not one per attempt.
                if (_failing.TryAdd(host, true))
                {
                    DnsLog.Failing(logger, host, answer.Error ?? "no addresses", NameAnswers.Describe(previous ?? []));
                }
                continue;
            }
            var addresses = answer.Addresses as IPAddress[] ?? [.. answer.Addresses];
            _known[host] = addresses;
            var recovered = _failing.TryRemove(host, out _);
            var moved = !recovered && previous is not null && !NameAnswers.Same(previous, addresses);
            if ((recovered || moved) && logger.IsEnabled(LogLevel.Information))
            {
                var now = NameAnswers.Describe(addresses);
                var before = NameAnswers.Describe(previous ?? []);
                if (recovered)
                {
                    DnsLog.Recovered(logger, host, now);
                }
                else
                {
                    DnsLog.Moved(logger, host, now, before);
                }
            }
            if (answer.Ttl is { } t && (ttl is null || t < ttl))
            {
                ttl = t;
            }
        }
        return ttl;
    }

    private static async Task<NameAnswer> ResolveOneAsync(INameResolver resolver, string host, CancellationToken cancellationToken)
    {
        try
        {
            return await resolver.ResolveAsync(host, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return NameAnswer.Failed(ex.Message);
        }
    }

    private static HashSet<string> Names(TandemConfig config)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pool in config.Pools)
        {
            foreach (var server in pool.Servers)
            {
                if (server.Address.Ip is null)
                {
                    names.Add(server.Address.Host);
                }
            }
        }
        return names;
    }

    private async Task StopLoopAsync()
    {
        if (_stop is null)
        {
            return;
        }
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _stop = null;
    }

    public async ValueTask DisposeAsync() => await StopLoopAsync();
}
