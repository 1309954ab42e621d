using System.Globalization;
using System.Net;

namespace Tandem.Core.Config;

/// <summary>
/// A <c>host:port</c> pair as written in the config: an IPv4 literal, a bracketed IPv6 literal or a DNS name, and a port.
/// </summary>
public readonly record struct HostPort(string Host, int Port)
{
    /// <summary>The host as an IP address, or null when it is a DNS name.</summary>
    public IPAddress? Ip => IPAddress.TryParse(Host, out var ip) ? ip : null;

    /// <summary>Parses <c>host:port</c>; on failure <paramref name="error"/> says what is wrong (without the value).</summary>
    public static bool TryParse(string text, out HostPort value, out string? error)
    {
        value = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "expected host:port";
            return false;
        }
        if (text.Contains("://", StringComparison.Ordinal))
        {
            error = "expected host:port without a scheme";
            return false;
        }

        string host;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                error = "expected [ipv6]:port";
                return false;
            }
            host = text[1..close];
            portText = text[(close + 2)..];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                error = "not an IPv6 address inside [ ]";
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0)
            {
                error = "expected host:port";
                return false;
            }
            if (text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = "IPv6 addresses must be written in brackets, e.g. [::1]:8080";
                return false;
            }
            host = text[..colon];
            portText = text[(colon + 1)..];
            if (!IsValidHost(host))
            {
                error = "host must be an IP address or a DNS name";
                return false;
            }
            if (!IsDottedQuadOrName(host))
            {
                error = "IPv4 addresses must be written as four numbers 0..255, e.g. 10.0.0.1";
                return false;
            }
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < 1 || port > 65535)
        {
            error = "port must be 1..65535";
            return false;
        }
        value = new HostPort(host, port);
        return true;
    }

    private static bool IsValidHost(string host)
    {
        if (host.Length is 0 or > 253)
        {
            return false;
        }
        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }
        return !host.StartsWith('.') && !host.StartsWith('-') && !host.EndsWith('-');
    }

    /// <summary>The host as a URI writes it: IPv6 in brackets.</summary>
    public string HostForUri() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    /// <summary>
    /// IPAddress.TryParse also takes inet_aton's legacy forms (<c>10.1</c> is 10.0.0.1, <c>010.0.0.1</c> is 8.0.0.1,
    /// <c>2130706433</c> is 127.0.0.1), which would bind or connect somewhere other than the user meant; a name of only
    /// digits and dots cannot be a DNS name either. Only the canonical dotted quad passes as an IPv4 address.
    /// </summary>
    private static bool IsDottedQuadOrName(string host)
    {
        if (IPAddress.TryParse(host, out var ip))
        {
            return string.Equals(ip.ToString(), host, StringComparison.Ordinal);
        }
        return !host.All(c => char.IsAsciiDigit(c) || c == '.');
    }

    /// <summary>The config spelling: <c>host:port</c>, IPv6 in brackets.</summary>
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
