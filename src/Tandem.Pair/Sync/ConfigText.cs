using System.Text;

namespace Tandem.Pair.Sync;

/// <summary>
/// Splits a config file into the part both nodes share and this node's own <c>pair:</c> section (node name, bind and
/// peer swapped, priorities), and joins a peer's shared part with this node's section. Works on the text, so comments
/// and layout of the shared part travel unchanged; the pair section is a top-level key in block style, ended by the
/// next line that starts in column 0 (a key, a comment or a document marker).
/// </summary>
internal static class ConfigText
{
    /// <summary>The shared part (ending with one newline) and the pair section's lines (empty when there is none).</summary>
    public static (string Shared, string PairSection) Split(string text)
    {
        var shared = new StringBuilder(text.Length);
        var pair = new StringBuilder();
        var inPair = false;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var startsColumn0 = line.Length > 0 && line[0] is not (' ' or '\t');
            if (startsColumn0)
            {
                inPair = IsPairKey(line);
            }
            (inPair ? pair : shared).Append(line).Append('\n');
        }
        return (shared.ToString().TrimEnd() + "\n", pair.Length == 0 ? "" : pair.ToString().TrimEnd() + "\n");
    }

    /// <summary>The peer's shared part with this node's pair section appended.</summary>
    public static string Join(string shared, string pairSection) =>
        pairSection.Length == 0 ? shared : shared.TrimEnd() + "\n" + pairSection;

    private static bool IsPairKey(string line)
    {
        var rest = line.AsSpan();
        if (rest.StartsWith("\"pair\"") || rest.StartsWith("'pair'"))
        {
            rest = rest[6..];
        }
        else if (rest.StartsWith("pair"))
        {
            rest = rest[4..];
        }
        else
        {
            return false;
        }
        return rest.TrimStart(' ').StartsWith(":");
    }
}
