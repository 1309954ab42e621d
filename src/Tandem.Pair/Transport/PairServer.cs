using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;

namespace Tandem.Pair.Transport;

/// <summary>
/// The pair channel's listener: a small Kestrel app on <c>pair.bind</c> (HTTP/1.1, POST, JSON). Every request must carry a
/// valid signature (<see cref="PairSigner"/>) and is answered by its <see cref="PairRoutes"/> entry; refusals are logged at
/// most once per <see cref="RefusalLogPeriod"/>.
/// Concurrency: requests run concurrently on Kestrel's threads; the refusal counter is guarded by a lock.
/// </summary>
internal sealed class PairServer : IAsyncDisposable
{
    public static readonly TimeSpan RefusalLogPeriod = TimeSpan.FromSeconds(10);
    private const int MaxBody = 8 * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly PairSigner _signer;
    private readonly PairRoutes _routes;
    private readonly Action<string, string>? _count;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _refusalGate = new();
    private long _lastRefusalLog = long.MinValue;
    private long _suppressed;

    private PairServer(WebApplication app, PairSigner signer, PairRoutes routes, Action<string, string>? count, ILogger logger, TimeProvider time)
    {
        _app = app;
        _signer = signer;
        _routes = routes;
        _count = count;
        _logger = logger;
        _time = time;
    }

    /// <exception cref="PairStartException">pair.bind cannot be bound.</exception>
    public static async Task<PairServer> StartAsync(HostPort bind, PairSigner signer, PairRoutes routes, Action<string, string>? count,
        ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxBody;
            k.Listen(bind.Ip ?? IPAddress.Any, bind.Port, o => o.Protocols = HttpProtocols.Http1);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var server = new PairServer(app, signer, routes, count, logger, time);
        app.Run(server.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            await app.DisposeAsync();
            throw new PairStartException($"pair.bind: cannot listen on {bind}: {ex.Message}", ex);
        }
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var type = _routes.TypeOf(path);
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            body = buffer.ToArray();
        }
        var headers = context.Request.Headers;
        var sender = headers[PairSigner.NodeHeader].ToString();
        var check = _signer.Verify(sender, headers[PairSigner.TimeHeader].ToString(), headers[PairSigner.MacHeader].ToString(), path, body, rememberMac: true);
        if (check != SignatureCheck.Valid)
        {
            _count?.Invoke(type, PairSigner.Label(check));
            Refused(context, path, PairSigner.Describe(check));
            await Answer(context, StatusCodes.Status401Unauthorized, "refused: " + PairSigner.Describe(check));
            return;
        }
        byte[]? answer;
        try
        {
            answer = await _routes.HandleAsync(path, sender, body, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            _count?.Invoke(type, "bad-request");
            await Answer(context, StatusCodes.Status400BadRequest, "body is not a valid pair message: " + ex.Message);
            return;
        }
        if (answer is null)
        {
            _count?.Invoke(type, "bad-request");
            await Answer(context, StatusCodes.Status404NotFound, "no pair message at " + path);
            return;
        }
        _count?.Invoke(type, "received");
        var (stamp, mac) = _signer.Sign("answer:" + path, answer);
        context.Response.Headers[PairSigner.NodeHeader] = _signer.Node;
        context.Response.Headers[PairSigner.TimeHeader] = stamp;
        context.Response.Headers[PairSigner.MacHeader] = mac;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    /// <summary>Logs a refusal unless one was logged within <see cref="RefusalLogPeriod"/>; the next line says how many were not.</summary>
    private void Refused(HttpContext context, string path, string reason)
    {
        long suppressed;
        lock (_refusalGate)
        {
            var now = _time.GetTimestamp();
            if (_lastRefusalLog != long.MinValue && _time.GetElapsedTime(_lastRefusalLog, now) < RefusalLogPeriod)
            {
                _suppressed++;
                return;
            }
            _lastRefusalLog = now;
            suppressed = _suppressed;
            _suppressed = 0;
        }
        PairLog.MessageRefused(_logger, context.Connection.RemoteIpAddress?.ToString() ?? "?", path, reason, suppressed);
    }

    private static async Task Answer(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text + "\n", context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
