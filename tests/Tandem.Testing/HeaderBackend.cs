using System.Collections.Concurrent;
using System.Net;
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
/// A real Kestrel server on 127.0.0.1 whose answers a test writes (<see cref="Handler"/>): for cache tests, where each
/// test sets the headers it is about. Counts the requests per path and keeps the last request's headers per path.
/// </summary>
public sealed class HeaderBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IHeaderDictionary> _last = new(StringComparer.Ordinal);

    private HeaderBackend(WebApplication app)
    {
        _app = app;
    }

    public int Port { get; private set; }

    public string Name { get; init; } = "origin";

    /// <summary>What the server answers; default 200 <c>hello</c> with <c>Cache-Control: max-age=60</c>.</summary>
    public Func<HttpContext, Task> Handler { get; set; } = context =>
    {
        context.Response.Headers.CacheControl = "max-age=60";
        return context.Response.WriteAsync("hello");
    };

    public ServerConfig ServerConfig() => new() { Name = Name, Address = new HostPort("127.0.0.1", Port) };

    /// <summary>Requests received for <paramref name="path"/> (path and query).</summary>
    public int Count(string path) => _counts.TryGetValue(path, out var n) ? n : 0;

    /// <summary>The headers of the last request for <paramref name="path"/>; null before one.</summary>
    public IHeaderDictionary? Last(string path) => _last.TryGetValue(path, out var h) ? h : null;

    public static async Task<HeaderBackend> StartAsync(string name = "origin", int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        HeaderBackend? backend = null;
        app.Run(context => backend!.AnswerAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend = new HeaderBackend(app) { Port = new Uri(address).Port, Name = name };
        return backend;
    }

    private Task AnswerAsync(HttpContext context)
    {
        var key = context.Request.Path + context.Request.QueryString;
        _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        var copy = new HeaderDictionary();
        foreach (var (name, value) in context.Request.Headers)
        {
            copy[name] = value;
        }
        _last[key] = copy;
        return Handler(context);
    }

    public Task StopAsync() => _app.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
