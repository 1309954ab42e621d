namespace Tandem.Pair.Vip;

/// <summary>
/// What Tandem writes to the keepalived track file (weight 1): added to the configured priority, clamped to 1..254;
/// below -253 the instance goes to FAULT.
/// </summary>
internal static class TrackValue
{
    /// <summary>Healthy and settled: the configured priority applies.</summary>
    public const int Healthy = 0;

    /// <summary>
    /// Serving but not to be preferred: just started (the peer keeps the VIP until this node has settled), or stopping
    /// (a peer with any priority takes the VIP over before this node lets go: make before break). Effective priority 1.
    /// </summary>
    public const int Standby = -253;

    /// <summary>No healthy server in any pool: the instance goes to FAULT and gives the VIP away at once.</summary>
    public const int Fault = -254;
}
