namespace Tandem.Core.Config;

/// <summary>One VRRP instance: a virtual IP with this node's priority for it.</summary>
public sealed record VipConfig
{
    /// <summary>Key <c>address</c>: <c>10.99.0.100/24</c>.</summary>
    public required VipAddress Address { get; init; }

    /// <summary>Key <c>interface</c>: the network interface keepalived adds the address to.</summary>
    public required string Interface { get; init; }

    /// <summary>Key <c>priority</c> (1..254): the node with the higher one holds the VIP while healthy.</summary>
    public required int Priority { get; init; }

    /// <summary>Key <c>advert-interval</c>; <see cref="ConfigDefaults.VipAdvertInterval"/> when absent. VRRPv3 allows 10ms steps.</summary>
    public TimeSpan? AdvertInterval { get; init; }

    /// <summary>Key <c>router-id</c> (1..255): the VRRP virtual router id, the same on both nodes; 51 (52 for the second VIP) when absent.</summary>
    public int? RouterId { get; init; }
}
