using System.Text;

namespace Tandem.Proxy.Routing;

/// <summary>
/// A path as Kestrel hands it to Tandem, from the path as a client sent it: percent-encodings decoded except
/// <c>%2F</c> (an encoded '/' stays encoded, so it never becomes a separator), then the dot segments resolved as
/// RFC 3986 §5.2.4 does (<c>/a//../b</c> is <c>/a/b</c>: the <c>..</c> removes the empty segment; a <c>..</c> above
/// the root stays at the root). A malformed escape is kept as written. For <c>/api/explain</c>, which is given a path
/// as sent; requests themselves get this from Kestrel. Off the request path.
/// </summary>
internal static class RequestTargetPath
{
    public static string Normalize(string sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        return RemoveDotSegments(Decode(sent));
    }

    private static string Decode(string sent)
    {
        if (!sent.Contains('%', StringComparison.Ordinal))
        {
            return sent;
        }
        var bytes = new List<byte>(sent.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < sent.Length; i++)
        {
            var c = sent[i];
            if (c == '%' && i + 2 < sent.Length && char.IsAsciiHexDigit(sent[i + 1]) && char.IsAsciiHexDigit(sent[i + 2]))
            {
                var value = (byte)Convert.ToInt32(sent.Substring(i + 1, 2), 16);
                if (value != (byte)'/')
                {
                    bytes.Add(value);
                    i += 2;
                    continue;
                }
            }
            var length = Encoding.UTF8.GetBytes([c], utf8);
            for (var b = 0; b < length; b++)
            {
                bytes.Add(utf8[b]);
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static string RemoveDotSegments(string path)
    {
        if (!path.Contains('.', StringComparison.Ordinal))
        {
            return path;
        }
        var output = new StringBuilder(path.Length);
        var input = path;
        while (input.Length > 0)
        {
            if (input.StartsWith("/./", StringComparison.Ordinal))
            {
                input = input[2..];
            }
            else if (input == "/.")
            {
                input = "/";
            }
            else if (input.StartsWith("/../", StringComparison.Ordinal) || input == "/..")
            {
                input = input.Length == 3 ? "/" : input[3..];
                var last = output.ToString().LastIndexOf('/');
                output.Length = last < 0 ? 0 : last;
            }
            else
            {
                var next = input.IndexOf('/', 1);
                var segment = next < 0 ? input : input[..next];
                output.Append(segment);
                input = next < 0 ? "" : input[next..];
            }
        }
        return output.Length == 0 ? "/" : output.ToString();
    }
}
