using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tandem.Proxy.Forwarding;

/// <summary>The short plain-text bodies of the answers Tandem makes itself. They never name servers or addresses.</summary>
internal static class ErrorResponses
{
    private static readonly byte[] BadGateway = Encoding.ASCII.GetBytes("502 Bad Gateway: the server failed to answer.\n");
    private static readonly byte[] Unavailable = Encoding.ASCII.GetBytes("503 Service Unavailable: no server is available.\n");
    private static readonly byte[] GatewayTimeout = Encoding.ASCII.GetBytes("504 Gateway Timeout: the server did not answer in time.\n");
    private static readonly byte[] BadRequestBody = Encoding.ASCII.GetBytes("400 Bad Request\n");
    private static readonly byte[] TooLarge = Encoding.ASCII.GetBytes("413 Content Too Large: the request body is larger than accepted here (max-body).\n");
    private static readonly byte[] InternalError = Encoding.ASCII.GetBytes("500 Internal Server Error: the proxy failed; the server was not at fault.\n");

    /// <summary>
    /// Writes the body for <paramref name="statusCode"/> if the response has not started (otherwise nothing can be said):
    /// the route's error page for the status when <paramref name="pages"/> has one, else the plain-text line.
    /// </summary>
    public static Task WriteAsync(HttpResponse response, int statusCode, ErrorPages? pages = null)
    {
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }
        if (pages?.For(statusCode) is { } page)
        {
            return ErrorPages.WriteAsync(response, statusCode, page);
        }
        var body = statusCode switch
        {
            StatusCodes.Status503ServiceUnavailable => Unavailable,
            StatusCodes.Status504GatewayTimeout => GatewayTimeout,
            StatusCodes.Status400BadRequest => BadRequestBody,
            StatusCodes.Status413PayloadTooLarge => TooLarge,
            StatusCodes.Status500InternalServerError => InternalError,
            _ => BadGateway,
        };
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body.AsMemory()).AsTask();
    }
}
