using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;

namespace Tandem.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with an ephemeral port, for tests that need a server behind the proxy.
/// Routes: <c>/</c> (its name), <c>/headers</c> (request headers as JSON), <c>/stream/{bytes}</c> (streams that many
/// bytes), <c>/upload</c> (counts the body), <c>/delay/{ms}</c>, <c>/status/{code}</c>, <c>/reset</c> (aborts the
/// connection), <c>/partial</c> (cuts the connection mid-body), <c>POST /echo</c> (name:body), <c>/ws</c> (WebSocket echo), <c>/healthz</c>, <c>/load</c> (<see cref="LoadReport"/>, for load agents).
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;

    private TestBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public int Port { get; private set; }

    public IPAddress Ip { get; private init; } = IPAddress.Loopback;

    public HostPort Address => new(Ip.ToString(), Port);

    public long Requests => Interlocked.Read(ref _requests);

    private long _logins;

    /// <summary>The protocol of the last request received ("HTTP/1.1", "HTTP/2").</summary>
    public string? LastProtocol { get; private set; }

    /// <summary>The body of <c>/load</c>, what a load agent reports (e.g. "42" or "weight=3"); settable while running.</summary>
    public string LoadReport { get; set; } = "0";

    /// <summary>What <c>/healthz</c> answers (status 200 with "ok" by default); settable while running.</summary>
    public int HealthStatusCode { get; set; } = 200;

    /// <param name="name">What <c>/</c> answers.</param>
    /// <param name="port">0 for an ephemeral port.</param>
    /// <param name="protocols">HTTP versions served.</param>
    /// <param name="delay">Added before every response (a slow server); none when null.</param>
    /// <param name="anyPath">Any other path is answered 200 with "NAME PATH?QUERY" (what a routing test needs to see).</param>
    /// <param name="listen">Further endpoint settings, e.g. <c>o =&gt; o.UseHttps(certificate)</c> for an HTTPS server.</param>
    /// <param name="ip">The loopback address to listen on (127.0.0.2 and up work on Linux); 127.0.0.1 when null.</param>
    public static async Task<TestBackend> StartAsync(string name, int port = 0, HttpProtocols protocols = HttpProtocols.Http1, TimeSpan? delay = null,
        IPAddress? ip = null, bool anyPath = false, Action<ListenOptions>? listen = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(ip ?? IPAddress.Loopback, port, o =>
            {
                o.Protocols = protocols;
                listen?.Invoke(o);
            });
        });
        var app = builder.Build();
        var backend = new TestBackend(app, name) { Ip = ip ?? IPAddress.Loopback };
        app.UseWebSockets();
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref backend._requests);
            backend.LastProtocol = context.Request.Protocol;
            if (delay is { } wait && context.Request.Path != "/load")
            {
                await Task.Delay(wait, context.RequestAborted);
            }
            await next(context);
        });
        app.MapGet("/", () => name);
        app.MapGet("/healthz", () => Results.Text("ok", statusCode: backend.HealthStatusCode));
        app.MapGet("/load", () => backend.LoadReport);
        app.MapGet("/headers", (HttpContext context) =>
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in context.Request.Headers)
            {
                headers[key] = value.ToString();
            }
            return Results.Text(JsonSerializer.Serialize(headers), "application/json");
        });
        app.MapGet("/stream/{bytes:long}", async (HttpContext context, long bytes) =>
        {
            context.Response.ContentType = "application/octet-stream";
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            for (long sent = 0; sent < bytes;)
            {
                var n = (int)Math.Min(chunk.Length, bytes - sent);
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, n), context.RequestAborted);
                sent += n;
            }
        });
        app.MapPost("/upload", async (HttpContext context) =>
        {
            var buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                total += read;
            }
            return total.ToString(CultureInfo.InvariantCulture);
        });
        app.MapGet("/delay/{ms:int}", async (int ms, CancellationToken aborted) =>
        {
            await Task.Delay(ms, aborted);
            return name;
        });
        app.MapGet("/login", (HttpContext context) =>
        {
            // An application session: a new cookie per login, named by this backend.
            context.Response.Headers.Append("Set-Cookie", $"sid={name}-{Interlocked.Increment(ref backend._logins)}; Path=/");
            return name;
        });
        app.MapGet("/status/{code:int}", (int code) => Results.Text(name, statusCode: code));
        app.Map("/reset", (HttpContext context) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        app.MapGet("/partial", async (HttpContext context) =>
        {
            // Headers and part of a promised body, then the connection is cut: a failure mid-response.
            context.Response.ContentLength = 1_000_000;
            await context.Response.Body.WriteAsync(new byte[1000]);
            await context.Response.Body.FlushAsync();
            await Task.Delay(50);
            context.Abort();
        });
        app.MapGet("/stall/{ms:int}", async (HttpContext context, int ms) =>
        {
            // Headers and a first chunk, then silence for ms before the rest: a server that stalls mid-body.
            await context.Response.WriteAsync("first,", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(ms, context.RequestAborted);
            await context.Response.WriteAsync("rest", context.RequestAborted);
        });
        app.MapPost("/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            return name + ":" + await reader.ReadToEndAsync();
        });
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    return;
                }
                var reply = Encoding.UTF8.GetBytes(name + ":" + Encoding.UTF8.GetString(buffer, 0, result.Count));
                await socket.SendAsync(reply, WebSocketMessageType.Text, true, context.RequestAborted);
            }
        });
        if (anyPath)
        {
            app.MapFallback("{**path}", (HttpContext context) => name + " " + context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent());
        }
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend.Port = new Uri(address).Port;
        return backend;
    }

    public ServerConfig ServerConfig(int? weight = null) => new() { Name = Name, Address = Address, Weight = weight };

    /// <summary>Stops the server: later connections are refused.</summary>
    public Task StopAsync() => _app.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
