using Tandem.Core.Balancing;
using Tandem.Core.Config;

namespace Tandem.Proxy.Tests.Streams;

/// <summary>Configs for layer-4 tests: listener "l4" on an ephemeral 127.0.0.1 port in front of pool "app".</summary>
internal static class L4Config
{
    public static TandemConfig Tcp(ServerConfig[] servers, string algorithm = BalancingAlgorithms.RoundRobin,
        Func<PoolConfig, PoolConfig>? pool = null, Func<ListenerConfig, ListenerConfig>? listener = null,
        ListenerProtocol protocol = ListenerProtocol.Tcp, StreamListenerConfig? stream = null, TimeSpan? drain = null)
    {
        var l = new ListenerConfig { Name = "l4", Bind = new HostPort("127.0.0.1", 0), Pool = "app", Protocol = protocol, Stream = stream ?? new StreamListenerConfig { DefaultPool = "app" } };
        var p = new PoolConfig { Name = "app", Algorithm = algorithm, Servers = servers };
        return new TandemConfig
        {
            Listeners = [listener?.Invoke(l) ?? l],
            Pools = [pool?.Invoke(p) ?? p],
            DrainTimeout = drain,
            Version = "test",
        };
    }
}
