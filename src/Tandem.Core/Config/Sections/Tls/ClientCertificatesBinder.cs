namespace Tandem.Core.Config.Sections.Tls;

/// <summary>A listener's <c>tls.client-certificates</c>: whether clients must present one, and the CA that signs them.</summary>
internal static class ClientCertificatesBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Mode = Keys.Add("mode"),
        Ca = Keys.Add("ca");

    private static readonly Keywords<ClientCertificateMode> ClientCertificateModes = new(("optional", ClientCertificateMode.Optional), ("require", ClientCertificateMode.Require));

    public static ClientCertificatesConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var mode = reader.Choice(map, path, Mode, ClientCertificateModes, v => $"unknown mode '{v}'; expected optional or require");
        var ca = CaFile.Read(reader, map, path, Ca, required: true);
        if (ca is null || (ConfigReader.Value(map, Mode) is not null && mode is null))
        {
            return null;
        }
        return new ClientCertificatesConfig { Mode = mode ?? ClientCertificateMode.Require, Ca = ca };
    }
}
