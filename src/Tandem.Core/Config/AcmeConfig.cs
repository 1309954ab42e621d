namespace Tandem.Core.Config;

/// <summary>A listener's <c>tls.acme</c> section (RFC 8555).</summary>
public sealed record AcmeConfig
{
    /// <summary>Key <c>directory</c>, required: the ACME server's directory URL.</summary>
    public required Uri Directory { get; init; }

    /// <summary>Key <c>email</c>: the account contact.</summary>
    public string? Email { get; init; }

    /// <summary>Key <c>domains</c>, required: the names of the one certificate ordered.</summary>
    public required IReadOnlyList<string> Domains { get; init; }

    /// <summary>Key <c>challenge</c>: <c>http-01</c> (default) or <c>tls-alpn-01</c>.</summary>
    public AcmeChallenge Challenge { get; init; } = AcmeChallenge.Http01;

    /// <summary>Key <c>ca</c>: PEM file trusted for the ACME server's own HTTPS (a test or private CA); the system store when absent.</summary>
    public string? Ca { get; init; }

    public static bool Same(AcmeConfig? a, AcmeConfig? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Directory == b.Directory && a.Email == b.Email
            && a.Challenge == b.Challenge && a.Ca == b.Ca && a.Domains.SequenceEqual(b.Domains));
}
