namespace Tandem.Core.Config;

/// <summary>A pool's <c>sticky</c> section.</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] StickyKeys = ["mode", "cookie", "key", "ttl", "size"];

    private static StickyConfig? BindSticky(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, StickyKeys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var modeText = reader.String(map, path, "mode");
        var mode = StickyMode.Cookie;
        if (modeText is not null)
        {
            switch (modeText)
            {
                case "cookie":
                    mode = StickyMode.Cookie;
                    break;
                case "table":
                    mode = StickyMode.Table;
                    break;
                default:
                    reader.Problem(ConfigReader.Value(map, "mode")!, ConfigReader.Child(path, "mode"), $"expected cookie or table, got '{modeText}'");
                    ok = false;
                    break;
            }
        }

        var cookie = reader.String(map, path, "cookie");
        if (cookie is not null)
        {
            var cookieNode = ConfigReader.Value(map, "cookie")!;
            if (HashKey.TryParse("cookie:" + cookie) is null)
            {
                reader.Problem(cookieNode, ConfigReader.Child(path, "cookie"), $"must be a cookie name (letters, digits and !#$%&'*+-.^_`|~), got '{cookie}'");
                ok = false;
            }
            else if (mode != StickyMode.Cookie)
            {
                reader.Problem(cookieNode, ConfigReader.Child(path, "cookie"), "applies only to mode cookie; table mode names its key with 'key'");
                ok = false;
            }
        }

        HashKey? key = null;
        var keyText = reader.String(map, path, "key");
        if (keyText is not null)
        {
            var keyNode = ConfigReader.Value(map, "key")!;
            key = HashKey.TryParse(keyText);
            if (key is null)
            {
                reader.Problem(keyNode, ConfigReader.Child(path, "key"), $"expected ip, header:NAME or cookie:NAME, got '{keyText}'");
                ok = false;
            }
            else if (mode != StickyMode.Table)
            {
                reader.Problem(keyNode, ConfigReader.Child(path, "key"), "applies only to mode table; cookie mode names its cookie with 'cookie'");
                ok = false;
            }
        }

        var ttl = reader.Duration(map, path, "ttl");
        if (ttl is { } t && t < TimeSpan.FromSeconds(1))
        {
            reader.Problem(ConfigReader.Value(map, "ttl")!, ConfigReader.Child(path, "ttl"), $"must be at least 1s, got {t.TotalMilliseconds:0} ms");
            ok = false;
        }
        var size = reader.Int(map, path, "size", 1, 10_000_000);
        if (size is not null && mode != StickyMode.Table)
        {
            reader.Problem(ConfigReader.Value(map, "size")!, ConfigReader.Child(path, "size"), "applies only to mode table: cookie mode stores nothing");
            ok = false;
        }
        return ok ? new StickyConfig { Mode = mode, Cookie = cookie, Key = key, Ttl = ttl, Size = size } : null;
    }
}
