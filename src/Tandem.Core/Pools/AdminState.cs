namespace Tandem.Core.Pools;

/// <summary>What an operator has set for a server through the admin API (or a synced peer).</summary>
public enum AdminState
{
    /// <summary>Takes traffic when healthy.</summary>
    Enabled,

    /// <summary>Takes no new requests; requests already in flight finish.</summary>
    Draining,

    /// <summary>Out of rotation.</summary>
    Disabled,
}
