using System.Net.Security;
using System.Security.Authentication;
using Tandem.Core.Config;

namespace Tandem.Proxy.Tls;

/// <summary>
/// What a TLS listener offers: TLS 1.2 and 1.3 only, and, where the platform lets Tandem choose (Linux, OpenSSL), only
/// AEAD cipher suites with forward secrecy: the set Mozilla's "intermediate" profile recommends.
/// </summary>
internal static class TlsPolicy
{
    /// <summary>HTTP/2 first, so a client offering both gets it; HTTP/1.1 for the rest.</summary>
    public static readonly List<SslApplicationProtocol> Http1AndHttp2 = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    public static readonly List<SslApplicationProtocol> Http1Only = [SslApplicationProtocol.Http11];

    public static readonly List<SslApplicationProtocol> Http2Only = [SslApplicationProtocol.Http2];

    private static readonly TlsCipherSuite[] Suites =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>Null where the platform's own defaults apply (they are already free of weak suites on Windows and macOS).</summary>
    public static readonly CipherSuitesPolicy? CipherSuites = OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD() ? new CipherSuitesPolicy(Suites) : null;

    /// <summary>Whether a negotiated TLS 1.2 suite is one of <see cref="CipherSuites"/> (every suite is where the platform chooses).</summary>
    public static bool Allows(TlsCipherSuite suite) => CipherSuites is null || Array.IndexOf(Suites, suite) >= 0;

    public static SslProtocols Protocols(TlsVersion min) => min == TlsVersion.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;

    public static List<SslApplicationProtocol> Alpn(HttpVersions versions) => versions switch
    {
        HttpVersions.Http1 => Http1Only,
        HttpVersions.H2c => Http2Only,
        _ => Http1AndHttp2,
    };
}
