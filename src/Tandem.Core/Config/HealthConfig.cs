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

    /// <summary>Key <c>fall-interval</c>: the probe interval while a server is failing or down; <see cref="Interval"/> when absent.</summary>
    public TimeSpan? FallInterval { get; init; }

    /// <summary>Key <c>expect-status</c>: the status codes that pass, e.g. <c>200-399</c> (the default) or <c>200</c>.</summary>
    public StatusRange? ExpectStatus { get; init; }

    /// <summary>Key <c>expect-body</c>: a substring the response body must contain to pass; any body when absent.</summary>
    public string? ExpectBody { get; init; }

    /// <summary>Key <c>host</c>: the Host header of HTTP probes; the server's address when absent.</summary>
    public string? Host { get; init; }

    /// <summary>
    /// Key <c>type</c>: http, tcp or udp. When absent: udp for a pool behind a udp listener (set by the binder), else
    /// http with a path and tcp without (<see cref="EffectiveType"/>).
    /// </summary>
    public HealthCheckType? Type { get; init; }

    /// <summary>The probe in force: <see cref="Type"/>, else http when a path is given, else tcp.</summary>
    public HealthCheckType EffectiveType => Type ?? (Path is null ? HealthCheckType.Tcp : HealthCheckType.Http);

    /// <summary>Key <c>send</c> (tcp, udp): bytes sent after connecting (<see cref="ProbePayload"/>: text, or <c>hex:...</c>).</summary>
    public string? Send { get; init; }

    /// <summary>Key <c>expect</c> (tcp, udp): bytes the answer must contain (text, or <c>hex:...</c>); any answer when absent.</summary>
    public string? Expect { get; init; }
}
