using System.Globalization;

namespace Tandem.Core.Config;

/// <summary>A route's own settings: <c>timeouts</c>, <c>errors</c> and <c>compression</c>.</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] CompressionKeys = ["types", "level", "min-size"];
    private static readonly Keywords<CompressionEffort> CompressionLevels = new(("fastest", CompressionEffort.Fastest), ("optimal", CompressionEffort.Optimal));
    private static readonly string[] RouteTimeoutKeys = ["response", "idle", "connect"];

    /// <summary>The largest error page (<c>errors</c>): a page, not a site.</summary>
    private const long MaxErrorPage = 64 * 1024;

    /// <summary>A route's <c>timeouts</c>: the pool's keys but <c>connect</c>, which belongs to the pool's shared connections.</summary>
    private static PoolTimeouts? BindRouteTimeouts(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, RouteTimeoutKeys);
        if (map is null)
        {
            return null;
        }
        if (ConfigReader.Value(map, "connect") is { } connect)
        {
            reader.Problem(connect, ConfigReader.Child(path, "connect"),
                "a connection to a server is shared by every route of its pool; set connect in the pool's timeouts");
            return null;
        }
        var response = reader.Duration(map, path, "response");
        var idle = reader.Duration(map, path, "idle");
        return new PoolTimeouts { Response = response, Idle = idle };
    }

    /// <summary><c>errors</c>: status (400..599) to an HTML file read now, and <c>intercept</c>.</summary>
    private static ErrorPagesConfig? BindErrorPages(ConfigReader reader, YamlNode node, string path, bool forwards)
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
            if (key.Text == "intercept")
            {
                intercept = reader.Bool(map, path, "intercept");
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

    /// <summary><c>compression: true</c> (the defaults), <c>false</c> (off, null) or <c>{ types, level, min-size }</c>.</summary>
    private static CompressionConfig? BindCompression(ConfigReader reader, YamlNode node, string path, ref bool ok)
    {
        if (node is YamlScalar { Text: "true" or "false" } flag)
        {
            return flag.Text == "true" ? new CompressionConfig() : null;
        }
        if (node is not YamlMapping)
        {
            reader.Problem(node, path, "expected true, false or { types: [...], level: fastest|optimal, min-size: 1KB }");
            ok = false;
            return null;
        }
        var map = reader.Mapping(node, path, CompressionKeys);
        if (map is null)
        {
            ok = false;
            return null;
        }
        var typesOk = true;
        var types = Strings(reader, ConfigReader.Value(map, "types"), ConfigReader.Child(path, "types"), (scalar, p) => MediaType(reader, scalar, p), ref typesOk);
        var level = reader.Choice(map, path, "level", CompressionLevels, v => $"unknown level '{v}'; expected fastest or optimal");
        var minSize = ConfigReader.Value(map, "min-size") is null ? null : CompressionMinSize(reader, map, path);
        ok &= typesOk && (ConfigReader.Value(map, "level") is null || level is not null) && (ConfigReader.Value(map, "min-size") is null || minSize is not null);
        return new CompressionConfig
        {
            Types = types ?? CompressionConfig.DefaultTypes,
            Level = level ?? CompressionEffort.Fastest,
            MinSize = minSize ?? CompressionConfig.DefaultMinSize,
        };
    }

    /// <summary><c>type/subtype</c> or <c>type/*</c>, lower-cased, without parameters.</summary>
    private static string? MediaType(ConfigReader reader, YamlScalar scalar, string path)
    {
        var text = scalar.Text.Trim().ToLowerInvariant();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0 || text.AsSpan().IndexOfAny(" ;,\"") >= 0
            || (text.Contains('*', StringComparison.Ordinal) && !text.EndsWith("/*", StringComparison.Ordinal)) || text.StartsWith('*'))
        {
            reader.Problem(scalar, path, $"expected a media type such as application/json or text/*, got '{scalar.Text}'");
            return null;
        }
        return text;
    }

    /// <summary><c>min-size</c>: a size, 0 allowed (compress whatever the length).</summary>
    private static long? CompressionMinSize(ConfigReader reader, YamlMapping map, string path) =>
        ConfigReader.Value(map, "min-size") is YamlScalar { Text: "0" } ? 0 : ByteSize(reader, map, path, "min-size");
}
