using Tandem.Core.Tls;

namespace Tandem.Core.Config.Sections.Tls;

/// <summary>A <c>ca</c> key (client certificates, ACME, a pool's TLS): a PEM bundle, loaded to prove it can be used.</summary>
internal static class CaFile
{
    public static string? Read(ConfigReader reader, YamlMapping map, string path, ConfigKey key, bool required)
    {
        var ca = reader.String(map, path, key, required);
        if (ca is null)
        {
            return null;
        }
        var bundle = PemCertificate.TryLoadBundle(ca, out var error);
        if (bundle is null)
        {
            reader.Problem(ConfigReader.Value(map, key)!, key.At(path), error!);
            return null;
        }
        foreach (var certificate in bundle)
        {
            certificate.Dispose();
        }
        return ca;
    }
}
