namespace Tandem.Core.Config;

/// <summary>Active health checks of a pool's servers (YAML <c>pools[].health</c>).</summary>
public sealed record HealthConfig
{
    /// <summary>Key <c>path</c>: HTTP GET path; absent means a TCP connect check.</summary>
    public string? Path { get; init; }

    /// <summary>Key <c>interval</c>; default 2 s.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Key <c>timeout</c>; default 1 s.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Key <c>rise</c>: consecutive passes to mark a server up; default 2.</summary>
    public int? Rise { get; init; }

    /// <summary>Key <c>fall</c>: consecutive failures to mark a server down; default 3.</summary>
    public int? Fall { get; init; }
}
