using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tandem.Core.Config;

/// <summary>An address with its prefix length as written in <c>pair.vip.address</c>: <c>10.99.0.100/24</c>.</summary>
public readonly record struct VipAddress(IPAddress Address, int PrefixLength)
{
    public static bool TryParse(string text, out VipAddress value, out string? error)
    {
        value = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            error = "expected address/prefix such as 10.99.0.100/24";
            return false;
        }
        if (!IPAddress.TryParse(text.AsSpan(0, slash), out var ip) || (ip.AddressFamily == AddressFamily.InterNetwork && text[..slash].Split('.').Length != 4))
        {
            error = "not an IP address before '/'";
            return false;
        }
        var max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix < 1 || prefix > max)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"prefix must be 1..{max}");
            return false;
        }
        error = null;
        value = new VipAddress(ip, prefix);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Address}/{PrefixLength}");
}
