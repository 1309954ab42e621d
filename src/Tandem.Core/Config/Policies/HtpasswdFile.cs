using System.Globalization;
using Tandem.Core.Files;

namespace Tandem.Core.Config.Policies;

/// <summary>
/// An htpasswd file of <c>user:hash</c> lines (<c>htpasswd -B</c>). Only bcrypt hashes (<c>$2a$</c>, <c>$2b$</c>,
/// <c>$2y$</c>) are taken: the MD5 and SHA-1 forms are too cheap to guess.
/// </summary>
public static class HtpasswdFile
{
    public const long MaxSize = 4 * 1024 * 1024;

    public static bool TryRead(string path, out Dictionary<string, string> users, out string error)
    {
        users = new Dictionary<string, string>(StringComparer.Ordinal);
        string text;
        try
        {
            text = BoundedFile.ReadAllText(path, MaxSize, "an htpasswd file");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error = ex.Message;
            return false;
        }
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var hash = colon > 0 ? line[(colon + 1)..] : "";
            if (colon <= 0 || !(hash.StartsWith("$2a$", StringComparison.Ordinal) || hash.StartsWith("$2b$", StringComparison.Ordinal)
                || hash.StartsWith("$2y$", StringComparison.Ordinal)))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"{path} line {lineNumber}: expected user:bcrypt-hash (htpasswd -B); other hash kinds are refused");
                return false;
            }
            users[line[..colon]] = hash;
        }
        if (users.Count == 0)
        {
            error = $"{path} lists no user";
            return false;
        }
        error = "";
        return true;
    }
}
