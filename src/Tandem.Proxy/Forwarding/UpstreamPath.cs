using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// The path a request goes to its server with, percent-encoded. Kestrel hands over the path decoded (every escape but
/// <c>%2F</c>, which it keeps as the three characters, so that an encoded slash never becomes a separator) and with its
/// dot segments removed; routes and policies match that path. Encoding it again is exact but for one ambiguity: a
/// <c>%2F</c> in the decoded path is either a kept encoded slash or a literal <c>%2F</c> the client sent as
/// <c>%252F</c>. Sent as an encoded slash, the second would reach the server as a different path than the client's
/// (and than the one policies saw), so a request whose target has <c>%25</c> is rebuilt from the target's own segments,
/// dot segments removed as Kestrel removed them, and checked against Kestrel's path. When that check fails (or the
/// target is not origin-form) every percent sign is sent encoded: a literal, never a new separator.
/// </summary>
internal static class UpstreamPath
{
    public static string Of(HttpRequest request)
    {
        var path = request.Path;
        var value = path.Value;
        if (string.IsNullOrEmpty(value))
        {
            return "/";
        }
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return path.ToUriComponent();
        }
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is not null && !target.Contains("%25", StringComparison.Ordinal))
        {
            // Without %25 every '%' Kestrel left in the path is a kept %2F, which ToUriComponent keeps as it is.
            return path.ToUriComponent();
        }
        return FromTarget(target, value) ?? new PathString(value.Replace("%", "%25", StringComparison.Ordinal)).ToUriComponent();
    }

    /// <summary>The target's path with dot segments removed (RFC 3986 section 5.2.4), when it decodes to <paramref name="decoded"/>.</summary>
    private static string? FromTarget(string? target, string decoded)
    {
        if (target is null || !target.StartsWith('/'))
        {
            return null;
        }
        var end = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = end < 0 ? target : target[..end];
        var segments = rawPath[1..].Split('/');
        var kept = new List<string>(segments.Length);
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            var dots = Dots(segments[i]);
            if (dots == 0)
            {
                kept.Add(segments[i]);
                continue;
            }
            if (dots == 2 && kept.Count > 0)
            {
                kept.RemoveAt(kept.Count - 1);
            }
            if (last)
            {
                kept.Add("");
            }
        }
        var rebuilt = "/" + string.Join('/', kept);
        return string.Equals(Decode(rebuilt), decoded, StringComparison.Ordinal) ? rebuilt : null;
    }

    /// <summary>1 for a "." segment, 2 for "..", either possibly written <c>%2E</c>; else 0.</summary>
    private static int Dots(string segment)
    {
        var plain = segment.Replace("%2E", ".", StringComparison.OrdinalIgnoreCase);
        return plain switch
        {
            "." => 1,
            ".." => 2,
            _ => 0,
        };
    }

    /// <summary>Decodes as Kestrel does a path: every escape but <c>%2F</c>, which stays as written.</summary>
    private static string Decode(string encoded)
    {
        var text = new System.Text.StringBuilder(encoded.Length);
        var start = 0;
        while (true)
        {
            var slash = encoded.IndexOf("%2F", start, StringComparison.OrdinalIgnoreCase);
            var piece = slash < 0 ? encoded[start..] : encoded[start..slash];
            text.Append(Uri.UnescapeDataString(piece));
            if (slash < 0)
            {
                return text.ToString();
            }
            text.Append(encoded, slash, 3);
            start = slash + 3;
        }
    }
}
