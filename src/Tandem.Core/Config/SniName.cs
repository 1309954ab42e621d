namespace Tandem.Core.Config;

/// <summary>
/// Server names as TLS carries them (RFC 6066: a DNS host name, ASCII, no trailing dot) and the patterns routes match
/// them with: an exact name or <c>*.suffix</c>, which matches one or more labels before the suffix, as HAProxy's
/// <c>req.ssl_sni -m end</c> with a dot would. Names compare case-insensitively, so both are kept in lower case.
/// </summary>
public static class SniName
{
    /// <summary>The lower-case form of a valid name or <c>*.</c> pattern; null when it is not one.</summary>
    public static string? Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = text.StartsWith("*.", StringComparison.Ordinal) ? text.AsSpan(2) : text.AsSpan();
        return IsHostName(body) ? text.ToLowerInvariant() : null;
    }

    /// <summary>Whether <paramref name="name"/> is dot-separated labels of letters, digits and '-' (1..63 each, 253 in all).</summary>
    public static bool IsHostName(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > 253)
        {
            return false;
        }
        var label = 0;
        foreach (var c in name)
        {
            if (c == '.')
            {
                if (label == 0)
                {
                    return false;
                }
                label = 0;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                if (++label > 63)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }
        return label > 0;
    }
}
