namespace Tandem.Core.Config;

/// <summary>The admin listener (YAML <c>admin</c>): dashboard at <c>/</c>, JSON API at <c>/api</c>, Prometheus at <c>/metrics</c>.</summary>
public sealed record AdminConfig
{
    /// <summary>Key <c>bind</c>; <see cref="ConfigDefaults.AdminBind"/> when absent.</summary>
    public HostPort? Bind { get; init; }

    /// <summary>
    /// Key <c>token-file</c>: a file holding the admin token (one word; surrounding whitespace ignored), read with
    /// <see cref="AdminToken.TryRead"/>. When set, changing endpoints need <c>Authorization: Bearer TOKEN</c>, and so do
    /// reads when <see cref="Bind"/> is not a loopback address. Null: no token, everything open (loopback by default).
    /// </summary>
    public string? TokenFile { get; init; }

    /// <summary>
    /// Key <c>tls</c>: the admin listener speaks HTTPS, with the keys of <c>listeners[].tls</c> (certificates picked by SNI
    /// and watched, <c>min-version</c>, <c>client-certificates</c>) except <c>acme</c>. Null: plain HTTP (a warning when
    /// <see cref="Bind"/> is not a loopback address).
    /// </summary>
    public ListenerTlsConfig? Tls { get; init; }
}
