namespace Tandem.Core.Config;

/// <summary>
/// The load report each server of a <c>dynamic-weighted</c> pool serves (YAML <c>pools[].agent</c>), as HAProxy's
/// agent-check: a GET of <see cref="Path"/> answered with a number 0-100 (the server's load in percent) or
/// <c>weight=N</c>.
/// </summary>
public sealed record AgentConfig
{
    /// <summary>Key <c>path</c>, required, starting with '/'.</summary>
    public required string Path { get; init; }

    /// <summary>Key <c>interval</c>: time between reports; default 2 s.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Key <c>timeout</c>: a report slower than this is ignored; default 1 s.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Key <c>port</c>: where the agent listens when not on the server's own port.</summary>
    public int? Port { get; init; }
}
