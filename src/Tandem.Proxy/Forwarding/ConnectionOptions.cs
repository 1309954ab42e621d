using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Tandem.Proxy.Forwarding.Http11;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// The header fields a message's <c>Connection</c> field names: hop-by-hop like the fixed set, so a proxy removes them
/// before forwarding (RFC 9110 section 7.6.1), in both directions and on both forwarding paths. Host and the framing
/// fields (Content-Length, Transfer-Encoding) are never removed this way: framing is the proxy's own, and a request
/// without its Host would reach the server as a different site. Options that the fixed hop-by-hop set already drops
/// (<c>keep-alive</c>, <c>upgrade</c>, ...) and <c>close</c> name nothing more, so the usual message costs no allocation.
/// One gap is Kestrel's: when a request's Connection field holds exactly one of <c>keep-alive</c>, <c>close</c> or
/// <c>upgrade</c> beside other options, Kestrel replaces the field with that one option before the request reaches
/// Tandem (<c>HttpHeaders.ParseConnection</c> interns it), so the other options are unknown here and the fields they
/// name are forwarded, as nginx forwards them.
/// </summary>
internal static class ConnectionOptions
{
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> HopByHop =
        RequestHeadWriter.HopByHop.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Options that name no field to remove: <c>close</c>, and the fields never removed this way.</summary>
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Kept =
        FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "close", "Host", "Content-Length").GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The field names <paramref name="connection"/> lists beyond those always dropped; null when there are none.</summary>
    public static string[]? Listed(StringValues connection)
    {
        List<string>? names = null;
        foreach (var value in connection)
        {
            Collect(value, ref names);
        }
        return names?.ToArray();
    }

    private static void Collect(string? value, ref List<string>? names)
    {
        var span = value.AsSpan();
        foreach (var range in span.Split(','))
        {
            var option = span[range].Trim(" \t");
            if (!option.IsEmpty && !HopByHop.Contains(option) && !Kept.Contains(option))
            {
                (names ??= []).Add(option.ToString());
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> is one of <paramref name="listed"/>.</summary>
    public static bool Lists(string[] listed, string name)
    {
        foreach (var option in listed)
        {
            if (string.Equals(option, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Removes from <paramref name="copied"/> (a server's response headers, as YARP copied them for the client) the fields
    /// the server's <c>Connection</c> field named. YARP's forwarder drops only the fixed hop-by-hop set.
    /// </summary>
    public static void RemoveListed(HttpResponseMessage response, IHeaderDictionary copied)
    {
        if (!response.Headers.TryGetValues("Connection", out var values))
        {
            return;
        }
        List<string>? listed = null;
        foreach (var value in values)
        {
            Collect(value, ref listed);
        }
        if (listed is null)
        {
            return;
        }
        foreach (var name in listed)
        {
            copied.Remove(name);
        }
    }

    /// <summary>The same for a request YARP copied for the server, by the client's <c>Connection</c> field.</summary>
    public static void RemoveListed(HttpRequest request, HttpRequestMessage copied)
    {
        if (Listed(request.Headers.Connection) is not { } listed)
        {
            return;
        }
        foreach (var name in listed)
        {
            copied.Headers.Remove(name);
            copied.Content?.Headers.Remove(name);
        }
    }
}
