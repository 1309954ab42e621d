using System.Net;
using Tandem.Core.Config;
using Tandem.Proxy.Admission.Policies;

namespace Tandem.Proxy.Streams;

/// <summary>
/// What a layer-4 listener applies to each new connection or flow, from one config generation: its routes, limits,
/// timeouts and trusted PROXY-protocol senders. Immutable; a reload swaps in a new one and connections keep the one
/// they started with.
/// </summary>
internal sealed class StreamSettings
{
    public static readonly TimeSpan DefaultTcpIdle = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultUdpIdle = TimeSpan.FromSeconds(30);
    public const int DefaultMaxSessions = 10_000;

    /// <summary>What <c>splice</c> is when a listener does not say (bench/README.md, "Layer 4", has the measurements).</summary>
    public const SpliceMode DefaultSplice = SpliceMode.Auto;

    /// <summary>How long a client may take to send what routing needs (a PROXY header, a ClientHello).</summary>
    public static readonly TimeSpan PrereadTimeout = TimeSpan.FromSeconds(10);

    public StreamSettings(ListenerConfig config, StreamRouter router)
    {
        Config = config;
        Router = router;
        var stream = config.Stream;
        IdleTimeout = stream?.IdleTimeout ?? (config.Protocol == ListenerProtocol.Udp ? DefaultUdpIdle : DefaultTcpIdle);
        MaxConnections = config.MaxConnections ?? ConfigDefaults.ListenerMaxConnections;
        MaxSessions = stream?.MaxSessions ?? DefaultMaxSessions;
        AcceptProxy = stream?.AcceptProxy ?? [];
        Splice = (stream?.Splice ?? DefaultSplice) == SpliceMode.Auto && config.Protocol != ListenerProtocol.Udp && OperatingSystem.IsLinux();
        ProtocolName = config.Protocol switch
        {
            ListenerProtocol.Udp => "udp",
            ListenerProtocol.TlsPassthrough => "tls-passthrough",
            _ => "tcp",
        };
    }

    public ListenerConfig Config { get; }

    public StreamRouter Router { get; }

    public TimeSpan IdleTimeout { get; }

    public int MaxConnections { get; }

    public int MaxSessions { get; }

    public IReadOnlyList<IPNetwork> AcceptProxy { get; }

    public string ProtocolName { get; }

    /// <summary>Whether connections try <c>splice(2)</c> before copying through a buffer (Linux, <c>splice: auto</c>).</summary>
    public bool Splice { get; }

    /// <summary>
    /// The listener's policies (<c>policy</c>, or <c>default-policy: deny</c>): asked once per accepted connection or
    /// new UDP flow with the real client address, before any byte goes to a server; a refusal closes the connection
    /// (drops the datagram). Null when nothing is checked.
    /// </summary>
    public ConnectionAdmission? Admission { get; init; }

    public bool IsTls => Config.Protocol == ListenerProtocol.TlsPassthrough;

    /// <summary>Whether a connection from <paramref name="peer"/> must open with a PROXY protocol header.</summary>
    public bool TrustsProxyHeaderFrom(IPAddress peer)
    {
        if (AcceptProxy.Count == 0)
        {
            return false;
        }
        if (peer.IsIPv4MappedToIPv6)
        {
            peer = peer.MapToIPv4();
        }
        foreach (var network in AcceptProxy)
        {
            if (network.Contains(peer))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The connect timeout of <paramref name="pool"/>'s servers.</summary>
    public static TimeSpan ConnectTimeout(PoolConfig pool) => pool.Timeouts?.Connect ?? ConfigDefaults.ConnectTimeout;
}
