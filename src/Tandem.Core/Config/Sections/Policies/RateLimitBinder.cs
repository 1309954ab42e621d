using System.Globalization;
using Tandem.Core.Config.Policies;

namespace Tandem.Core.Config.Sections.Policies;

/// <summary>A policy's <c>rate-limit</c>: requests per period per key, with a burst, over a bounded table of keys.</summary>
internal static class RateLimitBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Key = Keys.Add("key"),
        Rate = Keys.Add("rate"),
        Burst = Keys.Add("burst"),
        Size = Keys.Add("size");

    public static RateLimitPolicyConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var keyText = reader.String(map, path, Key, required: true);
        var key = keyText is null ? null : RateLimitKey.TryParse(keyText);
        if (keyText is not null && key is null)
        {
            reader.Problem(ConfigReader.Value(map, Key)!, Key.At(path),
                $"expected ip, header:NAME, jwt:CLAIM or cert:subject, got '{keyText}'");
        }
        var rateNode = reader.Scalar(reader.Required(map, path, Rate), Rate.At(path));
        (int Count, TimeSpan Per)? rate = null;
        if (rateNode is not null)
        {
            rate = ParseRate(rateNode.Text);
            if (rate is null)
            {
                reader.Problem(rateNode, Rate.At(path), $"expected COUNT/UNIT such as 100/s, 600/m or 1000/h (COUNT 1..1000000), got '{rateNode.Text}'");
            }
        }
        var burst = reader.Int(map, path, Burst, 1, 10_000_000);
        var size = reader.Int(map, path, Size, 1, 10_000_000);
        if (key is null || rate is null)
        {
            return null;
        }
        return new RateLimitPolicyConfig { Key = key, Rate = rate.Value.Count, Per = rate.Value.Per, Burst = burst, Size = size };
    }

    private static (int Count, TimeSpan Per)? ParseRate(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 1_000_000)
        {
            return null;
        }
        TimeSpan? per = text[(slash + 1)..] switch
        {
            "s" or "sec" or "second" => TimeSpan.FromSeconds(1),
            "m" or "min" or "minute" => TimeSpan.FromMinutes(1),
            "h" or "hour" => TimeSpan.FromHours(1),
            _ => null,
        };
        return per is { } p ? (count, p) : null;
    }
}
