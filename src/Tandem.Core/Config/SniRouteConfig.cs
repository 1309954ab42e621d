namespace Tandem.Core.Config;

/// <summary>One entry of a tls-passthrough listener's <c>routes</c>.</summary>
public sealed record SniRouteConfig
{
    /// <summary>Key <c>match.sni</c>: a host name, or <c>*.example.com</c> (one or more labels before the suffix); null: the default route.</summary>
    public string? Sni { get; init; }

    /// <summary>Key <c>pool</c>.</summary>
    public required string Pool { get; init; }
}
