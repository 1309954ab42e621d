using Tandem.Core.Tls;

namespace Tandem.Core.Config;

/// <summary>
/// The <c>tls</c> sections: a listener's (certificates, versions, client certificates, ACME) and a pool's (TLS to its
/// servers). Certificate and CA files are read here, so a file that cannot be served is refused like any bad value.
/// Paths are relative to the working directory, like <c>pair.secret-file</c>.
/// </summary>
internal static partial class ConfigBinder
{
    private static readonly string[] ListenerTlsKeys = ["certificates", "min-version", "client-certificates", "acme"];
    private static readonly string[] CertificateKeys = ["cert", "key"];
    private static readonly string[] ClientCertificateKeys = ["mode", "ca"];
    private static readonly string[] AcmeKeys = ["directory", "email", "domains", "challenge", "ca"];
    private static readonly string[] UpstreamTlsKeys = ["verify", "ca", "sni", "client-cert"];

    private static readonly Keywords<TlsVersion> TlsVersions = new(("1.2", TlsVersion.Tls12), ("1.3", TlsVersion.Tls13));

    private static readonly Keywords<ClientCertificateMode> ClientCertificateModes = new(("optional", ClientCertificateMode.Optional), ("require", ClientCertificateMode.Require));

    private static readonly Keywords<AcmeChallenge> AcmeChallenges = new(("http-01", AcmeChallenge.Http01), ("tls-alpn-01", AcmeChallenge.TlsAlpn01));

    /// <summary>A <c>tls</c> section of a listener, or of the admin listener (<paramref name="acmeAllowed"/> false: certificate files only).</summary>
    private static ListenerTlsConfig? BindListenerTls(ConfigReader reader, YamlNode node, string path, bool acmeAllowed = true)
    {
        var map = reader.Mapping(node, path, ListenerTlsKeys);
        if (map is null)
        {
            return null;
        }
        var refused = false;
        if (!acmeAllowed && ConfigReader.Value(map, "acme") is { } acmeRefused)
        {
            // ACME's challenges are answered on the proxy listeners' ports (80, 443), which the admin listener is not.
            reader.Problem(acmeRefused, ConfigReader.Child(path, "acme"), "ACME is not available on the admin listener; list certificate files under 'certificates'");
            refused = true;
        }
        var certificatesNode = ConfigReader.Value(map, "certificates");
        var certificates = certificatesNode is null ? null
            : BindList(reader, certificatesNode, ConfigReader.Child(path, "certificates"),
                acmeAllowed ? "must list at least one certificate (or leave it out and use acme)" : "must list at least one certificate",
                (n, p) => BindCertificateFiles(reader, n, p));
        var minVersion = reader.Choice(map, path, "min-version", TlsVersions, v => $"unknown TLS version '{v}'; expected 1.2 or 1.3 (older versions are never offered)");
        var clientNode = ConfigReader.Value(map, "client-certificates");
        var client = clientNode is null ? null : BindClientCertificates(reader, clientNode, ConfigReader.Child(path, "client-certificates"));
        var acmeNode = acmeAllowed ? ConfigReader.Value(map, "acme") : null;
        var acme = acmeNode is null ? null : BindAcme(reader, acmeNode, ConfigReader.Child(path, "acme"));
        if (refused)
        {
            return null;
        }
        if (certificatesNode is null && acmeNode is null)
        {
            reader.Problem(map, path, acmeAllowed ? "needs 'certificates' or 'acme'" : "needs 'certificates'");
            return null;
        }
        if ((certificatesNode is not null && certificates is null) || (clientNode is not null && client is null) || (acmeNode is not null && acme is null)
            || (ConfigReader.Value(map, "min-version") is not null && minVersion is null))
        {
            return null;
        }
        return new ListenerTlsConfig { Certificates = certificates ?? [], MinVersion = minVersion ?? TlsVersion.Tls12, ClientCertificates = client, Acme = acme };
    }

    private static CertificateFiles? BindCertificateFiles(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, CertificateKeys);
        if (map is null)
        {
            return null;
        }
        var cert = reader.String(map, path, "cert", required: true);
        var key = reader.String(map, path, "key", required: true);
        if (cert is null || key is null)
        {
            return null;
        }
        using var loaded = PemCertificate.TryLoad(cert, key, out var error)?.Leaf;
        if (loaded is null)
        {
            reader.Problem(ConfigReader.Value(map, "cert")!, ConfigReader.Child(path, "cert"), error!);
            return null;
        }
        return new CertificateFiles(cert, key);
    }

    private static ClientCertificatesConfig? BindClientCertificates(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, ClientCertificateKeys);
        if (map is null)
        {
            return null;
        }
        var mode = reader.Choice(map, path, "mode", ClientCertificateModes, v => $"unknown mode '{v}'; expected optional or require");
        var ca = CaFile(reader, map, path, required: true);
        if (ca is null || (ConfigReader.Value(map, "mode") is not null && mode is null))
        {
            return null;
        }
        return new ClientCertificatesConfig { Mode = mode ?? ClientCertificateMode.Require, Ca = ca };
    }

    private static AcmeConfig? BindAcme(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, AcmeKeys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        Uri? directory = null;
        var directoryText = reader.String(map, path, "directory", required: true);
        if (directoryText is not null)
        {
            if (!Uri.TryCreate(directoryText, UriKind.Absolute, out directory) || (directory.Scheme != Uri.UriSchemeHttps && directory.Scheme != Uri.UriSchemeHttp))
            {
                reader.Problem(ConfigReader.Value(map, "directory")!, ConfigReader.Child(path, "directory"), $"expected an https:// URL, got '{directoryText}'");
                ok = false;
            }
        }
        var email = reader.String(map, path, "email");
        if (email is not null && (!email.Contains('@', StringComparison.Ordinal) || email.Contains(' ', StringComparison.Ordinal)))
        {
            reader.Problem(ConfigReader.Value(map, "email")!, ConfigReader.Child(path, "email"), $"expected an email address, got '{email}'");
            ok = false;
        }
        var domains = BindDomains(reader, reader.Required(map, path, "domains"), ConfigReader.Child(path, "domains"));
        var challenge = reader.Choice(map, path, "challenge", AcmeChallenges, v => $"unknown challenge '{v}'; expected http-01 or tls-alpn-01");
        var ca = CaFile(reader, map, path, required: false);
        if (!ok || directory is null || domains is null || (ConfigReader.Value(map, "challenge") is not null && challenge is null)
            || (ConfigReader.Value(map, "ca") is not null && ca is null))
        {
            return null;
        }
        return new AcmeConfig { Directory = directory, Email = email, Domains = domains, Challenge = challenge ?? AcmeChallenge.Http01, Ca = ca };
    }

    private static List<string>? BindDomains(ConfigReader reader, YamlNode? node, string path)
    {
        var sequence = reader.Sequence(node, path);
        if (sequence is null)
        {
            return null;
        }
        if (sequence.Items.Count == 0)
        {
            reader.Problem(sequence, path, "must list at least one domain");
            return null;
        }
        var domains = new List<string>(sequence.Items.Count);
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var itemPath = ConfigReader.Item(path, i);
            var text = reader.Scalar(sequence.Items[i], itemPath)?.Text;
            if (text is null)
            {
                return null;
            }
            if (Uri.CheckHostName(text.Replace("*.", "", StringComparison.Ordinal)) != UriHostNameType.Dns)
            {
                reader.Problem(sequence.Items[i], itemPath, $"expected a DNS name, got '{text}'");
                return null;
            }
            domains.Add(text.ToLowerInvariant());
        }
        return domains;
    }

    private static UpstreamTlsConfig? BindUpstreamTls(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, UpstreamTlsKeys);
        if (map is null)
        {
            return null;
        }
        var verify = reader.Bool(map, path, "verify");
        var ca = CaFile(reader, map, path, required: false);
        var sni = reader.String(map, path, "sni");
        if (sni is not null && Uri.CheckHostName(sni) != UriHostNameType.Dns)
        {
            reader.Problem(ConfigReader.Value(map, "sni")!, ConfigReader.Child(path, "sni"), $"expected a DNS name, got '{sni}'");
            return null;
        }
        var clientNode = ConfigReader.Value(map, "client-cert");
        var client = clientNode is null ? null : BindCertificateFiles(reader, clientNode, ConfigReader.Child(path, "client-cert"));
        if ((ConfigReader.Value(map, "ca") is not null && ca is null) || (clientNode is not null && client is null))
        {
            return null;
        }
        return new UpstreamTlsConfig { Verify = verify ?? true, Ca = ca, Sni = sni, ClientCert = client };
    }

    private static string? CaFile(ConfigReader reader, YamlMapping map, string path, bool required)
    {
        var ca = reader.String(map, path, "ca", required);
        if (ca is null)
        {
            return null;
        }
        var bundle = PemCertificate.TryLoadBundle(ca, out var error);
        if (bundle is null)
        {
            reader.Problem(ConfigReader.Value(map, "ca")!, ConfigReader.Child(path, "ca"), error!);
            return null;
        }
        foreach (var certificate in bundle)
        {
            certificate.Dispose();
        }
        return ca;
    }
}
