using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;

namespace Tandem.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 answering text, for compression tests: <c>/text/{bytes}</c> is
/// <see cref="TextBody"/> with a declared length (<c>?chunked=1</c>: streamed in 8 KB writes without one; <c>?type=</c>
/// another Content-Type), <c>/gzipped</c> is <see cref="GzippedBody"/> with <c>Content-Encoding: gzip</c>. One request
/// handler, no routing, so the first request costs little.
/// </summary>
public sealed class TextBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TextBackend(WebApplication app)
    {
        _app = app;
    }

    public int Port { get; private set; }

    public ServerConfig ServerConfig() => new() { Name = "text", Address = new HostPort("127.0.0.1", Port) };

    public static async Task<TextBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(AnswerAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TextBackend(app) { Port = new Uri(address).Port };
    }

    /// <summary>What <c>/text/{bytes}</c> answers: numbered lines of text, cut at <paramref name="bytes"/>.</summary>
    public static byte[] TextBody(int bytes)
    {
        var text = new StringBuilder(bytes + 64);
        for (var line = 0; text.Length < bytes; line++)
        {
            text.Append(CultureInfo.InvariantCulture, $"line {line}: the quick brown fox jumps over the lazy dog\n");
        }
        return Encoding.ASCII.GetBytes(text.ToString(0, bytes));
    }

    /// <summary>What <c>/gzipped</c> answers: <see cref="TextBody"/>(10000) compressed with gzip.</summary>
    public static byte[] GzippedBody()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(TextBody(10_000));
        }
        return compressed.ToArray();
    }

    private static async Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var response = context.Response;
        if (path == "/gzipped")
        {
            var gzipped = GzippedBody();
            response.ContentType = "text/plain; charset=utf-8";
            response.Headers.ContentEncoding = "gzip";
            response.ContentLength = gzipped.Length;
            await response.Body.WriteAsync(gzipped, context.RequestAborted);
            return;
        }
        if (!path.StartsWith("/text/", StringComparison.Ordinal) || !int.TryParse(path.AsSpan(6), CultureInfo.InvariantCulture, out var bytes))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var body = TextBody(bytes);
        response.ContentType = context.Request.Query["type"].FirstOrDefault() ?? "text/plain; charset=utf-8";
        if (context.Request.Query["chunked"] != "1")
        {
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }
        for (var sent = 0; sent < body.Length; sent += 8192)
        {
            await response.Body.WriteAsync(body.AsMemory(sent, Math.Min(8192, body.Length - sent)), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
