namespace Tandem.Core.Config;

/// <summary>Where a pool's stickiness lives.</summary>
public enum StickyMode
{
    /// <summary>Tandem sets a cookie naming the server (opaquely); nothing is stored, so both nodes of a pair agree by construction.</summary>
    Cookie,

    /// <summary>A table from a client key to its server, with expiry, shared with the pair's peer.</summary>
    Table,
}
