using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Tandem.Proxy.Caching;

/// <summary>
/// Answers a request from a stored response: its status and headers, a computed <c>Age</c>, and its body (none for HEAD or
/// a 304); a GET with one byte range gets a 206 of that slice or a 416 (<see cref="ByteRange"/>).
/// </summary>
internal static class CachedResponseWriter
{
    /// <summary>
    /// Answers with <paramref name="stored"/> at <paramref name="age"/>, with <c>X-Cache: </c><paramref name="xcache"/> when
    /// not null, and the route's <c>response-headers</c> (<paramref name="routeHeaders"/>) rendered for this request, as they
    /// are not stored; nothing when <paramref name="context"/>'s response has started.
    /// </summary>
    public static Task WriteAsync(HttpContext context, CachedResponse stored, TimeSpan age, string? xcache, Forwarding.HeaderChanges? routeHeaders = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }
        response.Clear();
        var notModified = stored.Status == StatusCodes.Status200OK && ClientHasIt(context.Request, stored);
        var range = notModified ? default : ByteRange.Evaluate(context.Request, stored);
        var headers = response.Headers;
        if (range.Kind == RangeKind.Unsatisfiable)
        {
            // RFC 9110 §15.5.17: the current length, so the client can ask again.
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            headers.ContentRange = "bytes */" + stored.Body.Length.ToString(CultureInfo.InvariantCulture);
            headers.Age = ((long)Math.Max(0, age.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            if (xcache is not null)
            {
                headers[CacheStage.XCacheHeader] = xcache;
            }
            response.ContentLength = 0;
            return Task.CompletedTask;
        }
        response.StatusCode = notModified ? StatusCodes.Status304NotModified : range.Kind == RangeKind.Partial ? StatusCodes.Status206PartialContent : stored.Status;
        foreach (var (name, values) in stored.Headers)
        {
            if (ResponseHeaders.Replayed(name))
            {
                headers[name] = values;
            }
        }
        routeHeaders?.ApplyTo(headers, context, null);
        headers.Age = ((long)Math.Max(0, age.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (xcache is not null)
        {
            headers[CacheStage.XCacheHeader] = xcache;
        }
        if (notModified || stored.Status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified || stored.Status < 200)
        {
            return Task.CompletedTask;
        }
        if (range.Kind == RangeKind.Partial)
        {
            headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {range.Start}-{range.Start + range.Length - 1}/{stored.Body.Length}");
            response.ContentLength = range.Length;
            return response.Body.WriteAsync(stored.Body.AsMemory((int)range.Start, (int)range.Length), context.RequestAborted).AsTask();
        }
        response.ContentLength = stored.Body.Length;
        return HttpMethods.IsHead(context.Request.Method) || stored.Body.Length == 0
            ? Task.CompletedTask
            : response.Body.WriteAsync(stored.Body, context.RequestAborted).AsTask();
    }

    /// <summary>The client's conditional request holds for <paramref name="stored"/> (RFC 9110 §13.1.2, §13.1.3): it may get a 304.</summary>
    public static bool ClientHasIt(HttpRequest request, CachedResponse stored)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            if (stored.ETag is not { } etag)
            {
                return false;
            }
            foreach (var value in ifNoneMatch)
            {
                if (value is null)
                {
                    continue;
                }
                foreach (var range in value.AsSpan().Split(','))
                {
                    var tag = value.AsSpan()[range].Trim();
                    if (tag is "*" || Opaque(tag).SequenceEqual(Opaque(etag)))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        return request.Headers.IfModifiedSince.Count > 0 && stored.LastModified is { } modified
            && HeaderUtilities.TryParseDate(request.Headers.IfModifiedSince.ToString(), out var since) && modified <= since;
    }

    /// <summary>The opaque part of an entity tag: weak comparison ignores <c>W/</c>.</summary>
    private static ReadOnlySpan<char> Opaque(ReadOnlySpan<char> tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
}
