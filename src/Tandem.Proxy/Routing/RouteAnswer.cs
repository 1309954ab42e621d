using System.Text;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Proxy.Admission.Policies;
using Tandem.Proxy.Forwarding;

namespace Tandem.Proxy.Routing;

/// <summary>A route that Tandem answers itself (<c>respond</c>, <c>redirect</c>, no route matched): no server is chosen.</summary>
internal abstract class RouteAnswer(HeaderChanges? responseHeaders)
{
    public Task AnswerAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = Status;
        Write(context);
        responseHeaders?.ApplyTo(response.Headers, context, server: null);
        var body = Body;
        response.ContentLength = body.Length;
        return body.Length == 0 || HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    protected abstract int Status { get; }

    protected abstract ReadOnlyMemory<byte> Body { get; }

    /// <summary>Sets what the answer adds to the response's headers.</summary>
    protected abstract void Write(HttpContext context);
}

/// <summary><c>respond</c>: a fixed status, body and content type, encoded once per config.</summary>
internal sealed class FixedAnswer(RespondConfig config, HeaderChanges? responseHeaders) : RouteAnswer(responseHeaders)
{
    private readonly byte[] _body = Encoding.UTF8.GetBytes(config.Body);
    private readonly string _contentType = config.ContentType ?? "text/plain; charset=utf-8";

    /// <summary>What a listener answers when no route matches and it has no <c>pool</c> to fall back on.</summary>
    public static readonly FixedAnswer NotFound = new(new RespondConfig { Status = StatusCodes.Status404NotFound, Body = "404 Not Found: no route matches this request.\n" }, null);

    protected override int Status => config.Status;

    protected override ReadOnlyMemory<byte> Body => _body;

    protected override void Write(HttpContext context)
    {
        if (_body.Length > 0)
        {
            context.Response.ContentType = _contentType;
        }
    }
}

/// <summary><c>redirect</c>: the status and a Location built from the <c>to</c> template; no body.</summary>
internal sealed class RedirectAnswer(RedirectConfig config, HeaderChanges? responseHeaders, ClientAddressResolver? addresses = null) : RouteAnswer(responseHeaders)
{
    private readonly HeaderValue _location = HeaderValue.Compile(config.To, RouteTemplate.RedirectNames, addresses);

    protected override int Status => config.Status;

    protected override ReadOnlyMemory<byte> Body => ReadOnlyMemory<byte>.Empty;

    protected override void Write(HttpContext context) => context.Response.Headers.Location = _location.Render(context, server: null);
}
