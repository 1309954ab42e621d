using System.Text;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// A route's <c>errors</c>, compiled once per config: each page encoded once, found by status in an array (no lookup,
/// no allocation per request). Served as <c>text/html</c> in place of Tandem's plain-text answers and, when
/// <see cref="Intercept"/>, of the server's answers with those statuses. Immutable.
/// </summary>
internal sealed class ErrorPages
{
    private const int First = 400;
    private const string ContentType = "text/html; charset=utf-8";
    private readonly byte[]?[] _pages = new byte[]?[200];

    public ErrorPages(ErrorPagesConfig config)
    {
        foreach (var page in config.Pages)
        {
            _pages[page.Status - First] = Encoding.UTF8.GetBytes(page.Body);
        }
        Intercept = config.Intercept;
    }

    /// <summary>Whether the server's answers with a page's status are replaced too.</summary>
    public bool Intercept { get; }

    /// <summary>The page for <paramref name="status"/>; null when the route has none.</summary>
    public byte[]? For(int status) => status is >= First and < First + 200 ? _pages[status - First] : null;

    /// <summary>Answers <paramref name="status"/> with <paramref name="page"/> (the response has not started).</summary>
    public static Task WriteAsync(HttpResponse response, int status, byte[] page)
    {
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = page.Length;
        return HttpMethods.IsHead(response.HttpContext.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(page.AsMemory()).AsTask();
    }
}
