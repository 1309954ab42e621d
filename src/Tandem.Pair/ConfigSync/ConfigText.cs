using System.Text;

namespace Tandem.Pair.ConfigSync;

/// <summary>
/// Splits a config file into the part both nodes share and the node-local sections (<see cref="NodeLocalKeys"/>), and
/// joins a peer's shared part with this node's local sections. Works on the text, so comments and layout of the shared
/// part travel unchanged. A section is a top-level key in block style, ended by the next line that starts in column 0
/// (a key, a comment or a document marker).
/// </summary>
internal static class ConfigText
{
    /// <summary>
    /// The sections each node keeps for itself: <c>pair</c> (node name, bind and peer swapped, priorities) and the
    /// addresses this host binds, <c>listeners</c> and <c>admin</c> (a node's own address, or a port the other host uses
    /// for something else); a listener the peer cannot bind would otherwise take the peer's config down.
    /// </summary>
    public static readonly string[] NodeLocalKeys = ["pair", "listeners", "admin"];

    /// <summary>The shared part and the node-local sections, each ending with one newline (the local part empty when there is none).</summary>
    public static (string Shared, string Local) Split(string text)
    {
        var shared = new StringBuilder(text.Length);
        var local = new StringBuilder();
        var inLocal = false;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length > 0 && line[0] is not (' ' or '\t'))
            {
                inLocal = KeyOf(line) is { } key && Array.IndexOf(NodeLocalKeys, key) >= 0;
            }
            (inLocal ? local : shared).Append(line).Append('\n');
        }
        return (shared.ToString().TrimEnd() + "\n", local.Length == 0 ? "" : local.ToString().TrimEnd() + "\n");
    }

    /// <summary>Whether <paramref name="text"/> has a top-level section <paramref name="key"/>.</summary>
    public static bool HasSection(string text, string key)
    {
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length > 0 && line[0] is not (' ' or '\t') && string.Equals(KeyOf(line), key, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The peer's shared part with this node's local sections appended.</summary>
    public static string Join(string shared, string local) =>
        local.Length == 0 ? shared : shared.TrimEnd() + "\n" + local;

    /// <summary>The key of a top-level line (<c>pools:</c>, <c>"pair":</c>); null for comments and other lines.</summary>
    private static string? KeyOf(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || line[0] == '#')
        {
            return null;
        }
        return line[..colon].Trim().Trim('"', '\'');
    }
}
