using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tandem.Testing;

/// <summary>
/// A real Kestrel app on 127.0.0.1 that collects the JSON bodies POSTed to <c>/hook</c>, as an Alertmanager webhook
/// receiver would. It can answer with failures first (<see cref="FailFirst"/>) to exercise retries.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<(DateTimeOffset At, JsonElement Body)> _bodies = Channel.CreateUnbounded<(DateTimeOffset, JsonElement)>();
    private int _attempts;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>POSTs received, failed ones included.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>How many of the first POSTs get <see cref="FailStatus"/> instead of 200.</summary>
    public int FailFirst { get; set; }

    public int FailStatus { get; set; } = 500;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            var attempt = Interlocked.Increment(ref receiver._attempts);
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (attempt <= receiver.FailFirst)
            {
                return Results.StatusCode(receiver.FailStatus);
            }
            receiver._bodies.Writer.TryWrite((TimeProvider.System.GetUtcNow(), document.RootElement.Clone()));
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    /// <summary>The next body accepted (status 200), with the time it arrived; fails after <paramref name="timeout"/>.</summary>
    public async Task<(DateTimeOffset At, JsonElement Body)> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _bodies.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no webhook body within {timeout}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
