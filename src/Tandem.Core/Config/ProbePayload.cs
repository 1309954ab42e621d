using System.Text;

namespace Tandem.Core.Config;

/// <summary>
/// The bytes of a health check's <c>send</c> or <c>expect</c>: the text as UTF-8 (YAML double quotes give
/// <c>"PING\r\n"</c>), or <c>hex:</c> followed by pairs of hex digits for binary protocols (a DNS query).
/// </summary>
public static class ProbePayload
{
    private const string HexPrefix = "hex:";

    /// <summary>The bytes, or null (with <paramref name="error"/>) when a <c>hex:</c> value is malformed or the value is empty.</summary>
    public static byte[]? TryDecode(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        if (!text.StartsWith(HexPrefix, StringComparison.Ordinal))
        {
            if (text.Length == 0)
            {
                error = "must not be empty";
                return null;
            }
            return Encoding.UTF8.GetBytes(text);
        }
        var hex = text.AsSpan(HexPrefix.Length);
        if (hex.Length == 0 || hex.Length % 2 != 0)
        {
            error = "hex: needs an even, non-zero number of hex digits";
            return null;
        }
        var bytes = new byte[hex.Length / 2];
        if (Convert.FromHexString(hex, bytes, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            error = "hex: may hold only the digits 0-9 and a-f";
            return null;
        }
        return bytes;
    }
}
