namespace Tandem.Core.Config.Sections.Health;

/// <summary>
/// A pool behind a udp listener whose health names no type is probed with datagrams: a default that needs both the
/// pools and the listeners, so it is applied once every section is read.
/// </summary>
internal static class UdpHealthDefaults
{
    public static void Apply(List<PoolConfig> pools, IReadOnlyList<ListenerConfig> listeners)
    {
        var udpPools = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listener in listeners)
        {
            if (listener.Protocol == ListenerProtocol.Udp)
            {
                udpPools.Add(listener.Pool);
            }
        }
        for (var i = 0; i < pools.Count; i++)
        {
            if (pools[i].Health is { Type: null, Path: null } health && udpPools.Contains(pools[i].Name))
            {
                pools[i] = pools[i] with { Health = health with { Type = HealthCheckType.Udp } };
            }
        }
    }
}
