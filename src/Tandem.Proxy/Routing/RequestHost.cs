namespace Tandem.Proxy.Routing;

/// <summary>
/// The host a request is for, as routes compare it: the Host header (HTTP/2's :authority arrives as Host) without
/// its port and trailing dot, as a slice of the header's string, so reading it allocates nothing. Case is left for
/// the comparisons to ignore.
/// </summary>
internal static class RequestHost
{
    public static ReadOnlySpan<char> Of(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return default;
        }
        var span = host.AsSpan();
        if (span[0] == '[')
        {
            var close = span.IndexOf(']');
            return close < 0 ? span : span[..(close + 1)];
        }
        var colon = span.LastIndexOf(':');
        if (colon >= 0)
        {
            span = span[..colon];
        }
        return span.Length > 1 && span[^1] == '.' ? span[..^1] : span;
    }
}
