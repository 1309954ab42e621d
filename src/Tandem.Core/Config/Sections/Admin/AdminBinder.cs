namespace Tandem.Core.Config.Sections.Admin;

/// <summary>The <c>admin</c> section: where the admin listener (dashboard, API, metrics) binds and its token file.</summary>
internal static class AdminBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        BindAddress = Keys.Add("bind"),
        TokenFile = Keys.Add("token-file");

    public static AdminConfig? Bind(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var bind = reader.Address(map, path, BindAddress, required: false, bind: true);
        if (bind is { } b)
        {
            checks.AdminBind(b.Value, b.Node, BindAddress.At(path));
        }
        return new AdminConfig { Bind = bind?.Value, TokenFile = ReadTokenFile(reader, map, path) };
    }

    /// <summary>The path as written (relative paths are relative to the working directory, like <c>pair.secret-file</c>).</summary>
    private static string? ReadTokenFile(ConfigReader reader, YamlMapping map, string path)
    {
        var file = reader.String(map, path, TokenFile);
        if (file is null)
        {
            return null;
        }
        if (!AdminToken.TryRead(file, out _, out var error))
        {
            reader.Problem(ConfigReader.Value(map, TokenFile)!, TokenFile.At(path), error);
            return null;
        }
        return file;
    }
}
