using System.Text;

namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>
/// The last value each known response header (<see cref="ResponseHeaderNames"/>) had on one connection, kept as a string so
/// that the next response with the same bytes reuses it: a server sends the same <c>Server</c>, <c>Content-Type</c> and,
/// within a second, <c>Date</c> on response after response, and each new string would be garbage by the next one. Values
/// of other headers, and values that are not plain ASCII, are new strings each time. Not thread-safe: one connection
/// (one exchange at a time) owns it.
/// </summary>
internal sealed class ResponseHeaderValues
{
    private readonly string?[] _last = new string?[ResponseHeaderNames.Count];

    /// <summary>
    /// <paramref name="value"/> (Latin-1, as Kestrel reads header bytes) as a string: the one kept for the header at
    /// <paramref name="nameIndex"/> when its bytes are the same, else a new one (then kept). -1: a header not known.
    /// </summary>
    public string Get(int nameIndex, ReadOnlySpan<byte> value)
    {
        if (nameIndex < 0)
        {
            return Encoding.Latin1.GetString(value);
        }
        var last = _last[nameIndex];
        if (last is not null && last.Length == value.Length && Ascii.Equals(value, last))
        {
            return last;
        }
        var made = Encoding.Latin1.GetString(value);
        _last[nameIndex] = made;
        return made;
    }
}
