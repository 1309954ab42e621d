using Tandem.Core.Config.Sections.Tls;

namespace Tandem.Core.Config.Sections.Admin;

/// <summary>The <c>admin</c> section: where the admin listener (dashboard, API, metrics) binds, its token file and its TLS.</summary>
internal static class AdminBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        BindAddress = Keys.Add("bind"),
        TokenFile = Keys.Add("token-file"),
        Tls = Keys.Add("tls");

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
        var tlsNode = ConfigReader.Value(map, Tls);
        var tls = tlsNode is null ? null : ListenerTlsBinder.Bind(reader, tlsNode, Tls.At(path), acmeAllowed: false);
        if (tlsNode is null && bind is { } plain && plain.Value.Ip is { } ip && !System.Net.IPAddress.IsLoopback(ip))
        {
            reader.Warning(plain.Node.Line, plain.Node.Column, BindAddress.At(path),
                $"{plain.Value} is not a loopback address and admin has no tls: the dashboard, the API and the admin token cross the network in plain text; add admin.tls (see README, HTTPS)");
        }
        return new AdminConfig { Bind = bind?.Value, TokenFile = ReadTokenFile(reader, map, path), Tls = tls };
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
