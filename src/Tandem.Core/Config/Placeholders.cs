namespace Tandem.Core.Config;

/// <summary>Reports a template with an unknown placeholder at its key.</summary>
internal static class Placeholders
{
    public static IReadOnlyList<string> Redirect => RouteTemplate.RedirectNames;

    public static IReadOnlyList<string> Header => RouteTemplate.HeaderNames;

    public static bool Check(ConfigReader reader, YamlNode node, string path, string text, IReadOnlyList<string> names)
    {
        if (RouteTemplate.Parse(text, names, out var error) is null)
        {
            reader.Problem(node, path, error);
            return false;
        }
        return true;
    }
}
