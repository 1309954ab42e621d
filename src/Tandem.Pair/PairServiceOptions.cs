using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;

namespace Tandem.Pair;

/// <summary>What a <see cref="PairService"/> works with; the node fills it in.</summary>
public sealed record PairServiceOptions
{
    /// <summary>This node's <c>pair</c> section.</summary>
    public required PairConfig Config { get; init; }

    /// <summary>The running pools: changes from the peer are applied here.</summary>
    public required PoolRegistry Pools { get; init; }

    /// <summary>Where the admin API reports operator changes; the pair replicates them.</summary>
    public required OperatorChanges Changes { get; init; }

    /// <summary>Where the pair publishes its state and events.</summary>
    public required PairHealth Health { get; init; }

    /// <summary>The node's config file: configs from the peer are written here. Null turns config sync off.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>Validates and applies a config (the node's reload path); null turns config sync off.</summary>
    public Func<ConfigLoadResult, Task<bool>>? ApplyConfig { get; init; }

    /// <summary>The node's rate limiters: their spending is exchanged with the peer's (<c>pair.rate-limit-sync</c>); none when null.</summary>
    public IRateLimitLedger? RateLimits { get; init; }

    /// <summary>The cache's purges: an operator's is sent to the peer, the peer's applied here; none when null.</summary>
    public CachePurges? CachePurges { get; init; }

    /// <summary>The node's ACME certificates: one node orders, the certificate reaches the peer (its key sealed); none when null.</summary>
    public AcmeSharing? AcmeSharing { get; init; }

    /// <summary>Counts a pair message by type and result (the metrics); none when null.</summary>
    public Action<string, string>? CountMessage { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
