namespace Tandem.Core.Config.Sections.Sticky;

/// <summary>A pool's <c>sticky</c> section: keeping a client on one server, by cookie or by a table of keys.</summary>
internal static class StickyBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Mode = Keys.Add("mode"),
        Cookie = Keys.Add("cookie"),
        Key = Keys.Add("key"),
        Ttl = Keys.Add("ttl"),
        Size = Keys.Add("size");

    public static StickyConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var modeText = reader.String(map, path, Mode);
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
                    reader.Problem(ConfigReader.Value(map, Mode)!, Mode.At(path), $"expected cookie or table, got '{modeText}'");
                    ok = false;
                    break;
            }
        }

        var cookie = reader.String(map, path, Cookie);
        if (cookie is not null)
        {
            var cookieNode = ConfigReader.Value(map, Cookie)!;
            if (HashKey.TryParse("cookie:" + cookie) is null)
            {
                reader.Problem(cookieNode, Cookie.At(path), $"must be a cookie name (letters, digits and !#$%&'*+-.^_`|~), got '{cookie}'");
                ok = false;
            }
            else if (mode != StickyMode.Cookie)
            {
                reader.Problem(cookieNode, Cookie.At(path), "applies only to mode cookie; table mode names its key with 'key'");
                ok = false;
            }
        }

        HashKey? key = null;
        var keyText = reader.String(map, path, Key);
        if (keyText is not null)
        {
            var keyNode = ConfigReader.Value(map, Key)!;
            key = HashKey.TryParse(keyText);
            if (key is null)
            {
                reader.Problem(keyNode, Key.At(path), $"expected ip, header:NAME or cookie:NAME, got '{keyText}'");
                ok = false;
            }
            else if (mode != StickyMode.Table)
            {
                reader.Problem(keyNode, Key.At(path), "applies only to mode table; cookie mode names its cookie with 'cookie'");
                ok = false;
            }
        }

        var ttl = reader.Duration(map, path, Ttl);
        if (ttl is { } t && t < TimeSpan.FromSeconds(1))
        {
            reader.Problem(ConfigReader.Value(map, Ttl)!, Ttl.At(path), $"must be at least 1s, got {t.TotalMilliseconds:0} ms");
            ok = false;
        }
        var size = reader.Int(map, path, Size, 1, 10_000_000);
        if (size is not null && mode != StickyMode.Table)
        {
            reader.Problem(ConfigReader.Value(map, Size)!, Size.At(path), "applies only to mode table: cookie mode stores nothing");
            ok = false;
        }
        return ok ? new StickyConfig { Mode = mode, Cookie = cookie, Key = key, Ttl = ttl, Size = size } : null;
    }
}
