using System.Globalization;

namespace Tandem.Core.Config.Sections.Routes;

/// <summary>A route's <c>errors</c>: status (400..599) to an HTML file read now, and <c>intercept</c>.</summary>
internal static class ErrorPagesBinder
{
    /// <summary>The one fixed key; the others are status codes.</summary>
    private static readonly ConfigKey Intercept = new SectionKeys().Add("intercept");

    /// <summary>The largest error page: a page, not a site.</summary>
    private const long MaxErrorPage = 64 * 1024;

    /// <summary><c>errors</c>: status (400..599) to an HTML file read now, and <c>intercept</c>.</summary>
    public static ErrorPagesConfig? Bind(ConfigReader reader, YamlNode node, string path, bool forwards)
    {
        if (node is not YamlMapping map)
        {
            reader.Problem(node, path, "expected a mapping of status to page file, e.g. { 502: /etc/tandem/502.html, intercept: true }");
            return null;
        }
        var ok = true;
        var pages = new List<ErrorPage>();
        bool? intercept = null;
        foreach (var (key, value) in map.Pairs)
        {
            var itemPath = ConfigReader.Child(path, key.Text);
            if (key.Text == Intercept.Name)
            {
                intercept = reader.Bool(map, path, Intercept);
                ok &= intercept is not null;
                if (intercept == true && !forwards)
                {
                    reader.Problem(value, itemPath, "applies only to a route that forwards (pool or split): a redirect or respond has no server answer to replace");
                    ok = false;
                }
                continue;
            }
            if (!int.TryParse(key.Text, System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 400 or > 599)
            {
                reader.Problem(key, itemPath, $"expected a status code 400..599 or 'intercept', got '{key.Text}'");
                ok = false;
                continue;
            }
            if (reader.Scalar(value, itemPath) is not { } file)
            {
                ok = false;
                continue;
            }
            try
            {
                pages.Add(new ErrorPage(status, file.Text, Files.BoundedFile.ReadAllText(file.Text, MaxErrorPage, "an error page")));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                reader.Problem(file, itemPath, $"cannot read '{file.Text}': {ex.Message}");
                ok = false;
            }
        }
        if (ok && pages.Count == 0)
        {
            reader.Problem(map, path, "names no page; expected status: FILE entries such as 502: /etc/tandem/502.html");
            ok = false;
        }
        return ok ? new ErrorPagesConfig { Pages = pages, Intercept = intercept ?? false } : null;
    }
}
