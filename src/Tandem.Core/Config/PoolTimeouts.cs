namespace Tandem.Core.Config;

/// <summary>Per-pool timeouts (YAML <c>pools[].timeouts</c>).</summary>
public sealed record PoolTimeouts
{
    /// <summary>Key <c>connect</c>: TCP connect to a server; default 2 s.</summary>
    public TimeSpan? Connect { get; init; }

    /// <summary>Key <c>response</c>: time to the first byte of the response; default 30 s.</summary>
    public TimeSpan? Response { get; init; }

    /// <summary>Key <c>idle</c>: longest gap between body bytes; default 60 s.</summary>
    public TimeSpan? Idle { get; init; }
}
