using System.Security.Cryptography;
using System.Text;

namespace Tandem.Hosting.Handover;

/// <summary>
/// Where a node listens for the process that will replace it: a unix socket named after the config file, so that a
/// second <c>tandem run</c> with the same config finds the first. The directory is systemd's <c>$RUNTIME_DIRECTORY</c>
/// when set (<c>RuntimeDirectory=tandem</c>), else <c>$XDG_RUNTIME_DIR/tandem</c>, else <c>/run/tandem</c> for root
/// and <c>/tmp/tandem-USER</c> for anyone else; <c>tandem run --control-socket PATH</c> overrides it.
/// </summary>
internal static class ControlSocket
{
    /// <summary>The default control socket of the config at <paramref name="configPath"/> (a full path).</summary>
    public static string DefaultPath(string configPath)
    {
        ArgumentNullException.ThrowIfNull(configPath);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configPath)))[..8];
        var name = Path.GetFileNameWithoutExtension(configPath);
        // A unix socket path is limited to 107 bytes; the hash keeps two configs of the same name apart.
        if (name.Length > 40)
        {
            name = name[..40];
        }
        return Path.Combine(RuntimeDirectory(), $"{name}-{hash}.sock");
    }

    private static string RuntimeDirectory()
    {
        if (Environment.GetEnvironmentVariable("RUNTIME_DIRECTORY") is { Length: > 0 } systemd)
        {
            // systemd passes one directory per RuntimeDirectory= entry, separated by ':'.
            return systemd.Split(':')[0];
        }
        if (Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } xdg)
        {
            return Path.Combine(xdg, "tandem");
        }
        var user = Environment.UserName;
        return user == "root" ? "/run/tandem" : Path.Combine(Path.GetTempPath(), "tandem-" + user);
    }
}
