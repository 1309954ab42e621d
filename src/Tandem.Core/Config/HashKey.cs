namespace Tandem.Core.Config;

/// <summary>What <c>ip-hash</c> hashes (YAML <c>pools[].hash-key</c>): <c>ip</c>, <c>header:NAME</c> or <c>cookie:NAME</c>.</summary>
public sealed record HashKey(HashKeySource Source, string? Name)
{
    /// <summary>The client's address (the default).</summary>
    public static readonly HashKey ClientAddress = new(HashKeySource.ClientAddress, null);

    /// <summary>Parses <c>ip</c>, <c>header:NAME</c> or <c>cookie:NAME</c>; null when malformed.</summary>
    public static HashKey? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "ip")
        {
            return ClientAddress;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            return null;
        }
        var name = text[(colon + 1)..];
        foreach (var c in name)
        {
            // RFC 9110 token characters: what a header or cookie name may be made of.
            if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
            {
                return null;
            }
        }
        return text[..colon] switch
        {
            "header" => new HashKey(HashKeySource.Header, name),
            "cookie" => new HashKey(HashKeySource.Cookie, name),
            _ => null,
        };
    }

    public override string ToString() => Source switch
    {
        HashKeySource.Header => "header:" + Name,
        HashKeySource.Cookie => "cookie:" + Name,
        _ => "ip",
    };
}
