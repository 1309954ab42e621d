using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Tandem.Observability.Dashboard;

/// <summary>
/// Serves the dashboard's static files, embedded in this assembly so the binary needs nothing beside it. Each file
/// has a strong ETag (a hash of its bytes): the page and its scripts are revalidated on every load (<c>no-cache</c>,
/// answered 304 while unchanged), the vendored libraries under <c>vendor/</c> are cached for a day.
/// </summary>
internal static class DashboardFiles
{
    private static readonly FrozenDictionary<string, DashboardFile> Files = Load();

    public static Task Serve(HttpContext context, string name)
    {
        if (!Files.TryGetValue(name, out var file))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        var response = context.Response;
        response.Headers.ETag = file.ETag;
        response.Headers.CacheControl = file.CacheControl;
        response.Headers.XContentTypeOptions = "nosniff";
        var ifNoneMatch = context.Request.Headers.IfNoneMatch;
        foreach (var tag in ifNoneMatch)
        {
            if (tag is not null && (tag.Contains(file.ETag, StringComparison.Ordinal) || tag == "*"))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }
        }
        response.ContentType = file.ContentType;
        response.ContentLength = file.Content.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(file.Content).AsTask();
    }

    private static FrozenDictionary<string, DashboardFile> Load()
    {
        var assembly = typeof(DashboardFiles).Assembly;
        var files = new Dictionary<string, DashboardFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith("dashboard/", StringComparison.Ordinal))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var name = resource["dashboard/".Length..].Replace('\\', '/');
            var content = buffer.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"";
            var cache = name.StartsWith("vendor/", StringComparison.Ordinal) ? "public, max-age=86400" : "no-cache";
            files[name] = new DashboardFile(content, ContentTypeOf(name), etag, cache);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".md" or ".LICENSE" or ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    private sealed record DashboardFile(byte[] Content, string ContentType, string ETag, string CacheControl);
}
