using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tandem.Demo;

/// <summary>
/// A tiny HTTP server for the demo, in the same process on its own loopback port. It answers with its own name so the
/// user sees requests alternate; <c>/delay/{ms}</c> and <c>/status/{code}</c> help try timeouts and errors.
/// </summary>
internal sealed class SampleBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SampleBackend(WebApplication app, string name, IPEndPoint endPoint)
    {
        _app = app;
        Name = name;
        EndPoint = endPoint;
    }

    public string Name { get; }

    public IPEndPoint EndPoint { get; }

    public static async Task<SampleBackend> StartAsync(string name, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/healthz", () => "ok\n");
        app.MapGet("/delay/{ms:int}", async (int ms, CancellationToken aborted) =>
        {
            await Task.Delay(Math.Clamp(ms, 0, 60_000), aborted);
            return $"{name}: answered after {ms} ms\n";
        });
        app.MapGet("/status/{code:int}", (int code) => Results.Text($"{name}: status {code}\n", statusCode: Math.Clamp(code, 200, 599)));
        app.Map("/{**path}", (HttpContext context) =>
            Results.Text(string.Create(CultureInfo.InvariantCulture, $"Hello from backend {name} ({context.Request.Method} {context.Request.Path})\n")));
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new SampleBackend(app, name, new IPEndPoint(IPAddress.Loopback, port));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
