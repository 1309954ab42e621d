namespace Tandem.Core.Config.Sections.Tls;

/// <summary>A pool's <c>tls</c>: TLS to its servers (verification, CA, SNI, a client certificate).</summary>
internal static class UpstreamTlsBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Verify = Keys.Add("verify"),
        Ca = Keys.Add("ca"),
        Sni = Keys.Add("sni"),
        ClientCert = Keys.Add("client-cert");

    public static UpstreamTlsConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var verify = reader.Bool(map, path, Verify);
        var ca = CaFile.Read(reader, map, path, Ca, required: false);
        var sni = reader.String(map, path, Sni);
        if (sni is not null && Uri.CheckHostName(sni) != UriHostNameType.Dns)
        {
            reader.Problem(ConfigReader.Value(map, Sni)!, Sni.At(path), $"expected a DNS name, got '{sni}'");
            return null;
        }
        var clientNode = ConfigReader.Value(map, ClientCert);
        var client = clientNode is null ? null : CertificateFilesBinder.Bind(reader, clientNode, ClientCert.At(path));
        if ((ConfigReader.Value(map, Ca) is not null && ca is null) || (clientNode is not null && client is null))
        {
            return null;
        }
        return new UpstreamTlsConfig { Verify = verify ?? true, Ca = ca, Sni = sni, ClientCert = client };
    }
}
