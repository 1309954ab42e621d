using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Observability.Admin;

namespace Tandem.Observability.Live;

/// <summary>
/// <c>GET /api/live</c>: server-sent events, one snapshot of every pool and server (and listener, route by route) per <see cref="LiveStats"/> tick
/// (the first right away), a heartbeat comment when nothing was sent for <see cref="HeartbeatInterval"/>.
/// <c>GET /api/live/history?minutes=15</c>: the per-second samples for the charts.
/// </summary>
public static class LiveEndpoints
{
    /// <summary>A comment line keeps proxies and browsers from closing an idle stream.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LiveStats, LiveFeed> Feeds = [];

    /// <summary>The feed pushing <paramref name="live"/>'s ticks, for tests that count clients.</summary>
    internal static LiveFeed? FeedOf(LiveStats live) => Feeds.TryGetValue(live, out var feed) ? feed : null;

    /// <param name="endpoints">The admin app.</param>
    /// <param name="pools">The running pools.</param>
    /// <param name="live">Their per-second statistics.</param>
    /// <param name="status">What the node runs: its listeners and routes join the snapshot; none when null.</param>
    public static IEndpointRouteBuilder MapTandemLive(this IEndpointRouteBuilder endpoints, PoolRegistry pools, LiveStats live, NodeStatus? status = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Tandem.Observability.Live") ?? NullLogger.Instance;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var feed = new LiveFeed(pools, live, logger, config: status is null ? null : () => status.Config);
        Feeds.AddOrUpdate(live, feed);
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(feed.Dispose);

        endpoints.MapGet("/api/live", (HttpContext context) => StreamAsync(context, feed, time));
        endpoints.MapGet("/api/live/history", (HttpContext context) =>
        {
            var text = context.Request.Query["minutes"].ToString();
            var minutes = 15;
            if (text.Length > 0 && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) || minutes < 1 || minutes > 15))
            {
                return AdminEndpoints.Error(StatusCodes.Status400BadRequest, $"minutes must be an integer 1..15, got '{text}'");
            }
            return Results.Bytes(LiveJson.History(pools, live, TimeSpan.FromMinutes(minutes)), "application/json");
        });
        return endpoints;
    }

    private static async Task StreamAsync(HttpContext context, LiveFeed feed, TimeProvider time)
    {
        var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        if (feed.Subscribe(remote) is not { } client)
        {
            await AdminEndpoints.Error(StatusCodes.Status503ServiceUnavailable, $"too many live clients (at most {feed.MaxClients}); try again later")
                .ExecuteAsync(context);
            return;
        }
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, client.Closing.Token);
        var token = cancel.Token;
        try
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await response.Body.WriteAsync("retry: 2000\n\n"u8.ToArray(), token);
            await response.Body.WriteAsync(feed.CurrentEvent(time.GetUtcNow()), token);
            await response.Body.FlushAsync(token);

            Task<bool>? pending = null;
            while (!token.IsCancellationRequested)
            {
                pending ??= client.Reader.WaitToReadAsync(token).AsTask();
                bool more;
                try
                {
                    more = await pending.WaitAsync(HeartbeatInterval, time, token);
                    pending = null;
                }
                catch (TimeoutException)
                {
                    await response.Body.WriteAsync(LiveClient.Heartbeat, token);
                    await response.Body.FlushAsync(token);
                    continue;
                }
                if (!more)
                {
                    break;
                }
                while (client.Reader.TryRead(out var frame))
                {
                    await response.Body.WriteAsync(frame, token);
                }
                await response.Body.FlushAsync(token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away, fell behind, or the node is stopping.
        }
        finally
        {
            client.Close(dropped: false);
        }
    }
}
