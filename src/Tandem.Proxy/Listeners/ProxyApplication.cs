using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tandem.Proxy.Pipeline;
using Tandem.Proxy.Recording;
using Tandem.Proxy.Tls.Acme;

namespace Tandem.Proxy.Listeners;

/// <summary>
/// What Kestrel runs for each request of a data-plane listener (the accept stage): straight into the
/// <see cref="RequestPipeline"/>, without the generic host's middleware pipeline, diagnostics or request services. The
/// <see cref="HttpContext"/> and the <see cref="RequestState"/> are reused across the requests of a connection, as
/// ASP.NET's own hosting layer does.
/// </summary>
internal sealed class ProxyApplication(ListenerPipeline listener, RequestPipeline pipeline, AcmeChallengeStore? challenges = null)
    : IHttpApplication<ProxyApplication.Context>
{
    public Context CreateContext(IFeatureCollection contextFeatures)
    {
        Context? context;
        if (contextFeatures is IHostContextContainer<Context> container)
        {
            context = container.HostContext;
            if (context is null)
            {
                context = new Context();
                container.HostContext = context;
            }
        }
        else
        {
            context = new Context();
        }
        context.Initialize(contextFeatures);
        return context;
    }

    private readonly bool _countBodies = listener.Recorder?.CountsResponseBodies ?? false;

    public Task ProcessRequestAsync(Context context)
    {
        if (listener.CloseConnections)
        {
            // Handing over: the client's next request goes on a new connection, to the process that accepts now.
            context.HttpContext.Response.Headers.Connection = "close";
        }
        if (challenges is { HasHttp: true } && challenges.HttpResponse(context.HttpContext.Request.Path.Value) is { } keyAuthorization)
        {
            // An ACME http-01 validation (RFC 8555 section 8.3): answered here, ahead of routes and policies.
            var response = context.HttpContext.Response;
            response.ContentType = "application/octet-stream";
            return response.WriteAsync(keyAuthorization);
        }
        if (_countBodies)
        {
            context.ResponseBody.Attach(context.HttpContext);
        }
        return pipeline.RunAsync(listener, context.Request);
    }

    public void DisposeContext(Context context, Exception? exception) => context.Reset();

    /// <summary>The per-request state Kestrel hands back to us; one per connection, reused.</summary>
    internal sealed class Context
    {
        private DefaultHttpContext? _httpContext;
        private RequestState? _request;
        private ResponseBodyCounter? _responseBody;

        public HttpContext HttpContext => _httpContext!;

        /// <summary>What the stages of the current request share.</summary>
        public RequestState Request => _request!;

        /// <summary>Counts the response bytes of this connection's (or stream's) requests, one at a time.</summary>
        public ResponseBodyCounter ResponseBody => _responseBody ??= new ResponseBodyCounter();

        public void Initialize(IFeatureCollection features)
        {
            if (_httpContext is null)
            {
                _httpContext = new DefaultHttpContext(features);
                _request = new RequestState(_httpContext);
            }
            else
            {
                _httpContext.Initialize(features);
            }
        }

        public void Reset()
        {
            _request?.End();
            _httpContext?.Uninitialize();
        }
    }
}
