namespace Tandem.Proxy.Caching.Redis;

/// <summary>How <see cref="RedisCacheTier"/> reaches Redis and how it behaves when Redis does not answer.</summary>
public sealed record RedisCacheTierOptions
{
    /// <summary>
    /// Where Redis listens, each <c>host:port</c>: one for a standalone server, several (any of its masters) for a
    /// cluster; the client learns the rest of a cluster's nodes from the ones given.
    /// </summary>
    public required IReadOnlyList<string> Endpoints { get; init; }

    /// <summary>The password (AUTH), or null.</summary>
    public string? Password { get; init; }

    /// <summary>The longest a get, set or remove waits for Redis before it counts as a miss or a dropped write. Default 100 ms.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest one connection attempt takes (in the background; it never delays start-up). Default 2 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest a whole purge (a scan of every master for a prefix) takes. Default 10 s.</summary>
    public TimeSpan PurgeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What every key this tier writes starts with, so several caches can share one Redis. Default <c>tandem:cache:</c>.</summary>
    public string KeyPrefix { get; init; } = "tandem:cache:";

    /// <summary>The pub/sub channel purges are announced on; every node sharing the store must name the same. Default <c>tandem:cache:purge</c>.</summary>
    public string Channel { get; init; } = "tandem:cache:purge";

    /// <summary>
    /// This node's name in purge announcements (a node ignores its own). Null: the machine name, the process id and a
    /// random suffix. Must not contain a line break.
    /// </summary>
    public string? NodeId { get; init; }

    /// <summary>Failed calls in a row that open the circuit (every call a miss until Redis answers a probe). Default 3.</summary>
    public int FailuresToOpen { get; init; } = 3;

    /// <summary>The first wait between probes while the circuit is open; it doubles up to <see cref="MaxProbeDelay"/>. Default 250 ms.</summary>
    public TimeSpan ProbeDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between probes. Default 5 s.</summary>
    public TimeSpan MaxProbeDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Keys deleted per round trip in a prefix or tag purge (and the SCAN page size). Default 256.</summary>
    public int PurgeBatchSize { get; init; } = 256;

    /// <summary>Purges kept while Redis is down, applied when it is back; past this, everything under <see cref="KeyPrefix"/> is purged instead. Default 1,000.</summary>
    public int MaxPendingPurges { get; init; } = 1000;
}
