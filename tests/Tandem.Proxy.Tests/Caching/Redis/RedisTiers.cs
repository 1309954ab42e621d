using Microsoft.Extensions.Logging;
using Tandem.Proxy.Caching;
using Tandem.Proxy.Caching.Redis;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Caching.Redis;

/// <summary>Tiers for the tests: started on real endpoints, their logs kept, their purge announcements recorded.</summary>
internal static class RedisTiers
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Each call's bound in the tests' tiers.</summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(1);

    public static RedisCacheTier Start(IReadOnlyList<string> endpoints, string node, CapturingLoggerProvider? logs = null,
        Func<RedisCacheTierOptions, RedisCacheTierOptions>? change = null)
    {
        // A second per call, not the default 100 ms: on a loaded 2-core machine a healthy Redis can miss 100 ms three
        // times in a row and open the circuit in a test that is not about outages.
        var options = new RedisCacheTierOptions { Endpoints = endpoints, NodeId = node, OperationTimeout = OperationTimeout };
        var factory = LoggerFactory.Create(b => b.AddProvider(logs ?? new CapturingLoggerProvider()).SetMinimumLevel(LogLevel.Debug));
        return RedisCacheTier.Start(change?.Invoke(options) ?? options, factory, TimeProvider.System);
    }

    /// <summary>Starts a tier and waits until it has connected.</summary>
    public static async Task<RedisCacheTier> StartAvailableAsync(IReadOnlyList<string> endpoints, string node, CapturingLoggerProvider? logs = null,
        Func<RedisCacheTierOptions, RedisCacheTierOptions>? change = null)
    {
        var tier = Start(endpoints, node, logs, change);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(tier.Available), Wait), "the tier did not connect to " + string.Join(',', endpoints));
        return tier;
    }

    /// <summary>Every purge announced to <paramref name="tier"/> by another node, in order.</summary>
    public static System.Collections.Concurrent.ConcurrentQueue<CachePurge> Record(RedisCacheTier tier)
    {
        var heard = new System.Collections.Concurrent.ConcurrentQueue<CachePurge>();
        tier.Purged += heard.Enqueue;
        return heard;
    }

    public static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
