using System.Text.RegularExpressions;

namespace Tandem.Core.Config;

/// <summary>
/// The placeholders a route's redirect target and header values may hold, and how such a text splits into literal
/// parts and placeholders. Shared by validation (here) and the data plane, which compiles each text once per config.
/// </summary>
public static class RouteTemplate
{
    /// <summary>How route patterns are compiled: non-backtracking, so no pattern can make a request take long.</summary>
    public const RegexOptions PatternOptions = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>What a redirect's <c>to</c> may use.</summary>
    public static readonly IReadOnlyList<string> RedirectNames = ["scheme", "host", "path", "query", "uri", "client.ip", "request.id"];

    /// <summary>What a header value may use.</summary>
    public static readonly IReadOnlyList<string> HeaderNames = ["client.ip", "host", "scheme", "request.id", "server.name"];

    /// <summary>
    /// Splits <paramref name="text"/> into literal parts and placeholders (<c>{name}</c>, names from
    /// <paramref name="names"/>); null with <paramref name="error"/> when a placeholder is unknown or unclosed.
    /// </summary>
    public static List<TemplatePart>? Parse(string text, IReadOnlyList<string> names, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(names);
        error = "";
        var parts = new List<TemplatePart>();
        var at = 0;
        while (at < text.Length)
        {
            var open = text.IndexOf('{', at);
            if (open < 0)
            {
                parts.Add(new TemplatePart(text[at..], false));
                break;
            }
            if (open > at)
            {
                parts.Add(new TemplatePart(text[at..open], false));
            }
            var close = text.IndexOf('}', open);
            if (close < 0)
            {
                error = "a '{' has no closing '}'";
                return null;
            }
            var name = text[(open + 1)..close];
            if (!Contains(names, name))
            {
                error = $"unknown placeholder '{{{name}}}'; expected one of {{{string.Join("}, {", names)}}}";
                return null;
            }
            parts.Add(new TemplatePart(name, true));
            at = close + 1;
        }
        return parts;
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
