using System.Net;

namespace Tandem.Core.Config;

/// <summary>
/// The settings only a layer-4 listener has (<c>protocol: tcp</c>, <c>udp</c> or <c>tls-passthrough</c>); null on an
/// HTTP listener. The listener's <c>pool</c> (<see cref="ListenerConfig.Pool"/>) is the default pool.
/// </summary>
public sealed record StreamListenerConfig
{
    /// <summary>
    /// Key <c>routes</c> (tls-passthrough only): <c>[{match: {sni: NAME}, pool: P}]</c>, tried in order; a route without
    /// <c>match</c> is the default. Empty: every connection goes to the listener's pool.
    /// </summary>
    public IReadOnlyList<SniRouteConfig> Routes { get; init; } = [];

    /// <summary>Whether connections without a matching route have a pool (the listener's <c>pool</c> or a route without match).</summary>
    public string? DefaultPool { get; init; }

    /// <summary>
    /// Key <c>accept-proxy</c>: the networks (CIDR) whose connections must open with a PROXY protocol v1 or v2 header,
    /// whose client address then replaces the peer's; empty: no header is read. Others are served as plain clients.
    /// </summary>
    public IReadOnlyList<IPNetwork> AcceptProxy { get; init; } = [];

    /// <summary>Key <c>max-sessions</c> (udp only): client flows tracked at once; default 10000. A new client beyond it is dropped.</summary>
    public int? MaxSessions { get; init; }

    /// <summary>Key <c>idle-timeout</c>: a connection (or UDP flow) with no byte either way this long is closed; default 10 min for tcp, 30 s for udp.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>
    /// Key <c>splice</c> (tcp and tls-passthrough): <c>auto</c> moves bytes socket to pipe to socket with Linux
    /// <c>splice(2)</c> where the kernel allows it, <c>off</c> copies through a pooled buffer; null: the default
    /// (see <c>StreamSettings.DefaultSplice</c>).
    /// </summary>
    public SpliceMode? Splice { get; init; }
}
