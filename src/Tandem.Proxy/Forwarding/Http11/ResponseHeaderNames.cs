using System.Text;

namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>
/// The names of the response headers servers send most, as strings made once: a field with one of these names costs no
/// allocation for its name. Others get a new string each time.
/// </summary>
internal static class ResponseHeaderNames
{
    private static readonly string[] Names =
    [
        "Date", "Server", "Content-Type", "Content-Length", "Cache-Control", "ETag", "Last-Modified", "Expires", "Vary", "Set-Cookie",
        "Location", "Content-Encoding", "Accept-Ranges", "Age", "Content-Range", "Content-Language", "Content-Disposition",
        "Access-Control-Allow-Origin", "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Link",
        "WWW-Authenticate", "Retry-After", "Allow", "Pragma", "Connection", "Keep-Alive", "Transfer-Encoding", "Cache-Tag",
        "X-Powered-By", "Referrer-Policy", "Content-Security-Policy",
    ];

    private static readonly byte[][] Bytes = Encode();

    /// <summary>How many names are known: <see cref="Get(ReadOnlySpan{byte}, out int)"/> gives indexes below this.</summary>
    public static int Count => Names.Length;

    /// <summary>The name as a string: a shared one when known (matched ignoring case, returned as spelled above), else new.</summary>
    public static string Get(ReadOnlySpan<byte> name) => Get(name, out _);

    /// <summary>As <see cref="Get(ReadOnlySpan{byte})"/>; <paramref name="index"/> is the known name's (below <see cref="Count"/>), or -1.</summary>
    public static string Get(ReadOnlySpan<byte> name, out int index)
    {
        for (var i = 0; i < Bytes.Length; i++)
        {
            var known = Bytes[i];
            if (known.Length == name.Length && System.Text.Ascii.EqualsIgnoreCase(name, known))
            {
                index = i;
                return Names[i];
            }
        }
        index = -1;
        return Encoding.ASCII.GetString(name);
    }

    private static byte[][] Encode()
    {
        var bytes = new byte[Names.Length][];
        for (var i = 0; i < Names.Length; i++)
        {
            bytes[i] = Encoding.ASCII.GetBytes(Names[i]);
        }
        return bytes;
    }
}
