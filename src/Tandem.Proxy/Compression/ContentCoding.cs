using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Tandem.Proxy.Compression;

/// <summary>The codings Tandem compresses with.</summary>
internal enum ContentCoding
{
    /// <summary>Sent as it is.</summary>
    Identity,

    Gzip,

    Brotli,
}

/// <summary>
/// Reads a request's <c>Accept-Encoding</c> (RFC 9110 section 12.5.3) without allocating: the coding with the higher
/// weight among <c>br</c> and <c>gzip</c> (<c>*</c> stands for either), brotli on a tie; <c>q=0</c> refuses a coding.
/// </summary>
internal static class ContentCodings
{
    public static ContentCoding Choose(StringValues acceptEncoding)
    {
        double brotli = -1, gzip = -1, any = -1;
        for (var v = 0; v < acceptEncoding.Count; v++)
        {
            var rest = (acceptEncoding[v] ?? "").AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var item = (comma < 0 ? rest : rest[..comma]).Trim();
                rest = comma < 0 ? default : rest[(comma + 1)..];
                var semicolon = item.IndexOf(';');
                var name = (semicolon < 0 ? item : item[..semicolon]).Trim();
                var weight = semicolon < 0 ? 1 : Weight(item[(semicolon + 1)..]);
                if (name.Equals("br", StringComparison.OrdinalIgnoreCase))
                {
                    brotli = weight;
                }
                else if (name.Equals("gzip", StringComparison.OrdinalIgnoreCase) || name.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
                {
                    gzip = weight;
                }
                else if (name.SequenceEqual("*"))
                {
                    any = weight;
                }
            }
        }
        // A coding not named takes the weight of "*", if there is one.
        brotli = brotli < 0 ? any : brotli;
        gzip = gzip < 0 ? any : gzip;
        if (brotli <= 0 && gzip <= 0)
        {
            return ContentCoding.Identity;
        }
        return brotli >= gzip ? ContentCoding.Brotli : ContentCoding.Gzip;
    }

    /// <summary>The <c>q</c> of a coding's parameters (<c>q=0.5</c>); 1 without one, 0 when unreadable (a coding refused).</summary>
    private static double Weight(ReadOnlySpan<char> parameters)
    {
        while (!parameters.IsEmpty)
        {
            var semicolon = parameters.IndexOf(';');
            var parameter = (semicolon < 0 ? parameters : parameters[..semicolon]).Trim();
            parameters = semicolon < 0 ? default : parameters[(semicolon + 1)..];
            if (parameter.Length >= 2 && (parameter[0] is 'q' or 'Q') && parameter[1] == '=')
            {
                return double.TryParse(parameter[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q) ? Math.Clamp(q, 0, 1) : 0;
            }
        }
        return 1;
    }
}
