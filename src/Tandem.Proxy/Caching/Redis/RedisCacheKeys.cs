using System.Text;
using StackExchange.Redis;

namespace Tandem.Proxy.Caching.Redis;

/// <summary>
/// Where things live in Redis, all under the tier's prefix: a value at <c>{prefix}v:{key}</c>; a tag's members (cache
/// keys) in the set <c>{prefix}tag:{tag}</c>; a primary key's variant keys in the set <c>{prefix}vars:{primary}</c>
/// (a variant's key is <c>primary + U+001F + signature</c>), so a key purge finds its variants without a scan.
/// </summary>
internal sealed class RedisCacheKeys(string prefix)
{
    /// <summary>What separates a primary key from a variant's signature in a cache key.</summary>
    public const char VariantSeparator = '\u001F';

    private readonly string _values = prefix + "v:";
    private readonly string _tags = prefix + "tag:";
    private readonly string _variants = prefix + "vars:";

    /// <summary>The key the probe reads (never written): a GET that goes through the cluster's routing.</summary>
    public RedisKey Probe { get; } = prefix + "probe";

    public RedisKey Value(string key) => _values + key;

    public RedisKey Tag(string tag) => _tags + tag;

    public RedisKey Variants(string primary) => _variants + primary;

    /// <summary>The primary key of a variant's key, or null when <paramref name="key"/> is a primary key.</summary>
    public static string? PrimaryOf(string key)
    {
        var separator = key.IndexOf(VariantSeparator, StringComparison.Ordinal);
        return separator < 0 ? null : key[..separator];
    }

    /// <summary>The SCAN pattern of every value whose cache key starts with <paramref name="keyPrefix"/>.</summary>
    public RedisValue ValuePattern(string keyPrefix) => EscapeGlob(_values + keyPrefix) + "*";

    /// <summary>
    /// <paramref name="text"/> as a Redis glob that matches only itself: <c>* ? [ ] \</c> escaped with a backslash (a
    /// URI prefix such as <c>/search?q=</c> or <c>/a[1]</c> would otherwise match other keys, or fewer).
    /// </summary>
    public static string EscapeGlob(string text)
    {
        if (text.AsSpan().IndexOfAny(@"*?[]\") < 0)
        {
            return text;
        }
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}
