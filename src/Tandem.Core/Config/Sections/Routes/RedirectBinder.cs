using System.Globalization;

namespace Tandem.Core.Config.Sections.Routes;

/// <summary>A route's <c>redirect</c>: where to and with which status.</summary>
internal static class RedirectBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        To = Keys.Add("to"),
        Status = Keys.Add("status");

    private static readonly int[] RedirectStatuses = [301, 302, 303, 307, 308];

    public static RedirectConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var to = reader.String(map, path, To, required: true);
        var ok = to is not null && Placeholders.Check(reader, ConfigReader.Value(map, To)!, To.At(path), to, Placeholders.Redirect);
        var status = reader.Int(map, path, Status, 100, 599);
        if (status is { } s && Array.IndexOf(RedirectStatuses, s) < 0)
        {
            reader.Problem(ConfigReader.Value(map, Status)!, Status.At(path),
                string.Create(CultureInfo.InvariantCulture, $"expected 301, 302, 303, 307 or 308, got {s}"));
            ok = false;
        }
        return ok ? new RedirectConfig { To = to!, Status = status ?? 302 } : null;
    }
}
