using Tandem.Core.Config.Policies;

namespace Tandem.Core.Config.Sections.Policies;

/// <summary>A policy's <c>client-certificate</c>: the subjects, SANs or fingerprints a client certificate must have.</summary>
internal static class ClientCertificatePolicyBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Subject = Keys.Add("subject"),
        San = Keys.Add("san"),
        Fingerprint = Keys.Add("fingerprint");

    public static ClientCertificatePolicyConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var subject = PolicyValues.Strings(reader, map, path, Subject);
        var san = PolicyValues.Strings(reader, map, path, San);
        var fingerprint = PolicyValues.Strings(reader, map, path, Fingerprint);
        if (fingerprint is not null)
        {
            for (var i = 0; i < fingerprint.Count; i++)
            {
                var hex = fingerprint[i].Replace(":", "", StringComparison.Ordinal);
                if (hex.Length != 64 || !IsHex(hex))
                {
                    reader.Problem(ConfigReader.Value(map, Fingerprint)!, Fingerprint.At(path),
                        $"expected a SHA-256 fingerprint (64 hex digits, colons optional), got '{fingerprint[i]}'");
                }
            }
        }
        return new ClientCertificatePolicyConfig { Subject = subject, San = san, Fingerprint = fingerprint };
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
