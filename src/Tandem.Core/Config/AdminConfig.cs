namespace Tandem.Core.Config;

/// <summary>The admin listener (YAML <c>admin</c>): dashboard at <c>/</c>, JSON API at <c>/api</c>, Prometheus at <c>/metrics</c>.</summary>
public sealed record AdminConfig
{
    /// <summary>Key <c>bind</c>; <see cref="ConfigDefaults.AdminBind"/> when absent.</summary>
    public HostPort? Bind { get; init; }
}
