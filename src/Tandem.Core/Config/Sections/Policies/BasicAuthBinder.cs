using Tandem.Core.Config.Policies;

namespace Tandem.Core.Config.Sections.Policies;

/// <summary>A policy's <c>basic-auth</c>: an htpasswd file and the realm.</summary>
internal static class BasicAuthBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Htpasswd = Keys.Add("htpasswd"),
        Realm = Keys.Add("realm");

    public static BasicAuthPolicyConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var file = reader.String(map, path, Htpasswd, required: true);
        if (file is null)
        {
            return null;
        }
        if (!HtpasswdFile.TryRead(file, out _, out var error))
        {
            reader.Problem(ConfigReader.Value(map, Htpasswd)!, Htpasswd.At(path), error);
        }
        return new BasicAuthPolicyConfig { File = file, Realm = reader.String(map, path, Realm) };
    }
}
