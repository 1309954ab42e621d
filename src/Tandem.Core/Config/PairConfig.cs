namespace Tandem.Core.Config;

/// <summary>
/// YAML <c>pair</c>: this node's half of a two-node pair. The pair channel (<see cref="Bind"/>, <see cref="Peer"/>) carries
/// heartbeats and state sync, authenticated with the shared secret; the VIPs move between the nodes through keepalived.
/// </summary>
public sealed record PairConfig
{
    /// <summary>Key <c>node</c>: this node's name, unique within the pair.</summary>
    public required string Node { get; init; }

    /// <summary>Key <c>bind</c>: the pair channel's listen address on this node.</summary>
    public required HostPort Bind { get; init; }

    /// <summary>Key <c>peer</c>: the other node's pair channel.</summary>
    public required HostPort Peer { get; init; }

    /// <summary>Key <c>secret-file</c>: a file holding the shared secret (at least 16 bytes after trimming).</summary>
    public required string SecretFile { get; init; }

    /// <summary>Key <c>heartbeat</c>: how often the nodes exchange heartbeats; <see cref="ConfigDefaults.PairHeartbeat"/> when absent.</summary>
    public TimeSpan? Heartbeat { get; init; }

    /// <summary>Key <c>peer-timeout</c>: silence after which the peer counts as lost; <see cref="ConfigDefaults.PairPeerTimeout"/> when absent.</summary>
    public TimeSpan? PeerTimeout { get; init; }

    /// <summary>Key <c>runtime-dir</c>: where the generated keepalived config, pid files and track file live.</summary>
    public string? RuntimeDir { get; init; }

    /// <summary>Key <c>keepalived</c>: the keepalived binary; found on PATH or in /usr/sbin when absent.</summary>
    public string? Keepalived { get; init; }

    /// <summary>Key <c>vip</c>: the virtual IP clients use; none means state sync only.</summary>
    public VipConfig? Vip { get; init; }

    /// <summary>Key <c>second-vip</c>: an optional second VIP (active-active: give it the priorities the other way round).</summary>
    public VipConfig? SecondVip { get; init; }

    /// <summary>
    /// Key <c>rate-limit-sync</c>: how often each node sends the peer what its rate-limit buckets spent, so the pair
    /// holds a client to one budget; <see cref="ConfigDefaults.PairRateLimitSync"/> when absent, <see cref="TimeSpan.Zero"/> for <c>off</c>.
    /// </summary>
    public TimeSpan? RateLimitSync { get; init; }

    /// <summary>Key <c>rate-limit-keys</c>: the most keys in one such message (the busiest first); <see cref="ConfigDefaults.PairRateLimitKeys"/> when absent.</summary>
    public int? RateLimitKeys { get; init; }
}
