using Tandem.Core.Tls;

namespace Tandem.Core.Config.Sections.Tls;

/// <summary>
/// A certificate and its key (<c>cert</c>, <c>key</c>): one of a listener's <c>tls.certificates</c> or a pool's
/// <c>tls.client-cert</c>; loaded to prove they can be served.
/// </summary>
internal static class CertificateFilesBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Cert = Keys.Add("cert"),
        Key = Keys.Add("key");

    public static CertificateFiles? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var cert = reader.String(map, path, Cert, required: true);
        var key = reader.String(map, path, Key, required: true);
        if (cert is null || key is null)
        {
            return null;
        }
        using var loaded = PemCertificate.TryLoad(cert, key, out var error)?.Leaf;
        if (loaded is null)
        {
            reader.Problem(ConfigReader.Value(map, Cert)!, Cert.At(path), error!);
            return null;
        }
        return new CertificateFiles(cert, key);
    }
}
