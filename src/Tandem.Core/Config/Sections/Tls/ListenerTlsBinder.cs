namespace Tandem.Core.Config.Sections.Tls;

/// <summary>
/// A listener's <c>tls</c>: certificates (files or ACME), the lowest version, client certificates. Files are read here,
/// so a certificate that cannot be served is refused like any bad value; paths are relative to the working directory.
/// </summary>
internal static class ListenerTlsBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Certificates = Keys.Add("certificates"),
        MinVersion = Keys.Add("min-version"),
        ClientCertificates = Keys.Add("client-certificates"),
        Acme = Keys.Add("acme");

    private static readonly Keywords<TlsVersion> TlsVersions = new(("1.2", TlsVersion.Tls12), ("1.3", TlsVersion.Tls13));

    /// <summary>A <c>tls</c> section of a listener, or of the admin listener (<paramref name="acmeAllowed"/> false: certificate files only).</summary>
    public static ListenerTlsConfig? Bind(ConfigReader reader, YamlNode node, string path, bool acmeAllowed = true)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var refused = false;
        if (!acmeAllowed && ConfigReader.Value(map, Acme) is { } acmeRefused)
        {
            // ACME's challenges are answered on the proxy listeners' ports (80, 443), which the admin listener is not.
            reader.Problem(acmeRefused, Acme.At(path), "ACME is not available on the admin listener; list certificate files under 'certificates'");
            refused = true;
        }
        var certificatesNode = ConfigReader.Value(map, Certificates);
        var certificates = certificatesNode is null ? null
            : ConfigValues.List(reader, certificatesNode, Certificates.At(path),
                acmeAllowed ? "must list at least one certificate (or leave it out and use acme)" : "must list at least one certificate",
                (n, p) => CertificateFilesBinder.Bind(reader, n, p));
        var minVersion = reader.Choice(map, path, MinVersion, TlsVersions, v => $"unknown TLS version '{v}'; expected 1.2 or 1.3 (older versions are never offered)");
        var clientNode = ConfigReader.Value(map, ClientCertificates);
        var client = clientNode is null ? null : ClientCertificatesBinder.Bind(reader, clientNode, ClientCertificates.At(path));
        var acmeNode = acmeAllowed ? ConfigReader.Value(map, Acme) : null;
        var acme = acmeNode is null ? null : AcmeBinder.Bind(reader, acmeNode, Acme.At(path));
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
            || (ConfigReader.Value(map, MinVersion) is not null && minVersion is null))
        {
            return null;
        }
        return new ListenerTlsConfig { Certificates = certificates ?? [], MinVersion = minVersion ?? TlsVersion.Tls12, ClientCertificates = client, Acme = acme };
    }
}
