namespace Tandem.Core.Config;

/// <summary>The <c>admin</c> section's token file.</summary>
internal static partial class ConfigBinder
{
    /// <summary>The path as written (relative paths are relative to the working directory, like <c>pair.secret-file</c>).</summary>
    private static string? BindTokenFile(ConfigReader reader, YamlMapping map)
    {
        var path = reader.String(map, "admin", "token-file");
        if (path is null)
        {
            return null;
        }
        if (!AdminToken.TryRead(path, out _, out var error))
        {
            reader.Problem(ConfigReader.Value(map, "token-file")!, "admin.token-file", error);
            return null;
        }
        return path;
    }
}
