namespace Tandem.Core.Config.Sections.Tls;

/// <summary>A listener's <c>tls.acme</c>: the ACME directory, account email, domains and challenge.</summary>
internal static class AcmeBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Directory = Keys.Add("directory"),
        Email = Keys.Add("email"),
        Domains = Keys.Add("domains"),
        Challenge = Keys.Add("challenge"),
        Ca = Keys.Add("ca");

    private static readonly Keywords<AcmeChallenge> AcmeChallenges = new(("http-01", AcmeChallenge.Http01), ("tls-alpn-01", AcmeChallenge.TlsAlpn01));

    public static AcmeConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        Uri? directory = null;
        var directoryText = reader.String(map, path, Directory, required: true);
        if (directoryText is not null)
        {
            if (!Uri.TryCreate(directoryText, UriKind.Absolute, out directory) || (directory.Scheme != Uri.UriSchemeHttps && directory.Scheme != Uri.UriSchemeHttp))
            {
                reader.Problem(ConfigReader.Value(map, Directory)!, Directory.At(path), $"expected an https:// URL, got '{directoryText}'");
                ok = false;
            }
        }
        var email = reader.String(map, path, Email);
        if (email is not null && (!email.Contains('@', StringComparison.Ordinal) || email.Contains(' ', StringComparison.Ordinal)))
        {
            reader.Problem(ConfigReader.Value(map, Email)!, Email.At(path), $"expected an email address, got '{email}'");
            ok = false;
        }
        var domains = BindDomains(reader, reader.Required(map, path, Domains), Domains.At(path));
        var challenge = reader.Choice(map, path, Challenge, AcmeChallenges, v => $"unknown challenge '{v}'; expected http-01 or tls-alpn-01");
        var ca = CaFile.Read(reader, map, path, Ca, required: false);
        if (!ok || directory is null || domains is null || (ConfigReader.Value(map, Challenge) is not null && challenge is null)
            || (ConfigReader.Value(map, Ca) is not null && ca is null))
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
}
