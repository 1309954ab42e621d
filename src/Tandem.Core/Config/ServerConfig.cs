namespace Tandem.Core.Config;

/// <summary>One server of a pool (YAML <c>pools[].servers[]</c>).</summary>
public sealed record ServerConfig
{
    /// <summary>Key <c>address</c>: host and port (<c>127.0.0.1:9001</c>, <c>app1.internal:80</c>, <c>[::1]:9001</c>).</summary>
    public required HostPort Address { get; init; }

    /// <summary>Key <c>name</c>; the address text when absent (resolved by the loader, never null here).</summary>
    public required string Name { get; init; }

    /// <summary>Key <c>weight</c>: 1..256, default 1.</summary>
    public int? Weight { get; init; }

    /// <summary>Key <c>max-connections</c>: concurrent requests to this server before requests queue; unlimited when absent.</summary>
    public int? MaxConnections { get; init; }

    /// <summary>Key <c>backup</c>: only used while no non-backup server is up.</summary>
    public bool Backup { get; init; }

    /// <summary>Key <c>resolve</c>: whether a DNS name in <see cref="Address"/> must resolve at start (default) or may resolve later.</summary>
    public ResolveMode Resolve { get; init; }

    public int EffectiveWeight => Weight ?? ConfigDefaults.Weight;
}
