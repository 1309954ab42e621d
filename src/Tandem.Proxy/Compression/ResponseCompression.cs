using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Tandem.Core.Config;

namespace Tandem.Proxy.Compression;

/// <summary>
/// A route's <c>compression</c>, compiled once per config: decides, when a server's response headers are in, whether
/// the body goes to the client compressed (brotli or gzip, as the client accepts), and if so puts a
/// <see cref="CompressedBody"/> in front of the response. A response is compressed when it has a body, its type is one
/// of the route's types, the server did not encode it (no Content-Encoding), it is not a range or marked
/// <c>no-transform</c>, and its declared length (if any) is at least <c>min-size</c>; such a response gets
/// <c>Vary: Accept-Encoding</c> whether or not this client accepted a coding. The decision reads headers only, so it
/// allocates nothing for a response it leaves alone. Immutable.
/// </summary>
internal sealed class ResponseCompression
{
    private const string EventStream = "text/event-stream";
    private readonly string[] _types;
    private readonly string[] _families;
    private readonly bool _eventStream;
    private readonly CompressionLevel _level;
    private readonly long _minSize;

    public ResponseCompression(CompressionConfig config)
    {
        var types = new List<string>();
        var families = new List<string>();
        foreach (var type in config.Types)
        {
            if (type.EndsWith("/*", StringComparison.Ordinal))
            {
                families.Add(type[..^1]);
            }
            else
            {
                types.Add(type);
            }
        }
        _types = [.. types];
        _families = [.. families];
        // A stream of events is compressed only when listed by name: text/* means documents.
        _eventStream = types.Contains(EventStream);
        _level = config.Level == CompressionEffort.Optimal ? CompressionLevel.Optimal : CompressionLevel.Fastest;
        _minSize = config.MinSize;
    }

    /// <summary>Called once the server's response headers are copied to <paramref name="context"/>'s response.</summary>
    public void Start(HttpContext context)
    {
        var response = context.Response;
        var headers = response.Headers;
        if (!HasBody(response.StatusCode) || HttpMethods.IsHead(context.Request.Method) || headers.ContentEncoding.Count > 0
            || headers.ContentRange.Count > 0 || !IsCompressible(headers.ContentType) || NoTransform(headers.CacheControl)
            || response.ContentLength is { } length && (length == 0 || length < _minSize))
        {
            return;
        }
        AddVary(headers);
        var coding = ContentCodings.Choose(context.Request.Headers.AcceptEncoding);
        if (coding == ContentCoding.Identity)
        {
            return;
        }
        headers.ContentLength = null;
        headers.ContentEncoding = coding == ContentCoding.Brotli ? "br" : "gzip";
        // Another representation: a strong validator would claim byte equality with the server's (nginx does the same).
        if (headers.ETag is [{ Length: > 0 } etag] && etag[0] == '"')
        {
            headers.ETag = "W/" + etag;
        }
        CompressedBody.Attach(context, coding, _level);
    }

    private static bool HasBody(int status) => status >= 200 && status != StatusCodes.Status204NoContent && status != StatusCodes.Status206PartialContent
        && status != StatusCodes.Status304NotModified;

    private bool IsCompressible(StringValues contentType)
    {
        if (contentType.Count != 1 || contentType[0] is not { } value)
        {
            return false;
        }
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var type = (semicolon < 0 ? value.AsSpan() : value.AsSpan(0, semicolon)).Trim();
        foreach (var exact in _types)
        {
            if (type.Equals(exact, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        if (!_eventStream && type.Equals(EventStream, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        foreach (var family in _families)
        {
            if (type.StartsWith(family, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static bool NoTransform(StringValues cacheControl)
    {
        foreach (var value in cacheControl)
        {
            if (value is not null && value.Contains("no-transform", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static void AddVary(IHeaderDictionary headers)
    {
        foreach (var value in headers.Vary)
        {
            if (value is not null && (value.Contains("accept-encoding", StringComparison.OrdinalIgnoreCase) || value.Contains('*', StringComparison.Ordinal)))
            {
                return;
            }
        }
        headers.Vary = StringValues.Concat(headers.Vary, "Accept-Encoding");
    }
}
