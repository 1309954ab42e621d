using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Core.Selection;
using Tandem.Proxy.Diagnostics;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Pipeline;

using Tandem.Proxy.Caching;

namespace Tandem.Proxy.Selection;

/// <summary>
/// The select stage: which server of the route's pool takes the request. The rule is Core's
/// (<see cref="ServerPicker"/>: the sticky server, the balancer's pick, the spill-over when it is full); this stage
/// brings the HTTP side of it: the client's key (<see cref="SelectionContexts"/>) and sticky server
/// (<see cref="StickySessions"/>) from the request, the wait in the pool's queue while every usable server is full, the
/// 503 when no server can take the request, and what a sticky client is remembered by after its answer.
/// </summary>
internal sealed class ServerSelection(TimeProvider time, ILogger<ServerSelection> logger)
{
    private readonly LogThrottle _noServerLog = new(time, TimeSpan.FromSeconds(1), n => ProxyLog.Folded(logger, LogLevel.Warning, "no usable server", n));
    private readonly LogThrottle _queueLog = new(time, TimeSpan.FromSeconds(1), n => ProxyLog.Folded(logger, LogLevel.Warning, "queue refused", n));

    /// <summary>A server with room for the request, counted in flight; null when it must wait or be refused.</summary>
    public ServerState? TryAcquire(RequestState state)
    {
        var pool = state.Route.Target!.Pool;
        var selection = state.Selection;
        selection.Begin(SelectionContexts.For(state.Http, pool));
        // A sticky client goes to its server, waiting in the queue for it when it is full (as HAProxy does).
        StickySessions.Find(state.Http, pool, selection, time);
        selection.Prefer(state.PickedServer);
        return ServerPicker.Acquire(pool, selection);
    }

    /// <summary>
    /// No server had room: waits in the pool's queue when some server is usable (or the client is stuck to one), else,
    /// or when the wait ends without room, answers 503 and sets <see cref="RequestState.Error"/>; null then.
    /// </summary>
    public async Task<ServerState?> WaitOrRefuseAsync(RequestState state)
    {
        var context = state.Http;
        var target = state.Route.Target!;
        var pool = target.Pool;
        ServerState? server = null;
        var wait = QueueWait.Full;
        if (pool.UsableCount > 0 || state.Selection.StuckTo is not null)
        {
            (server, wait) = await WaitForRoomAsync(state, target.Queue);
        }
        if (server is null)
        {
            state.Error = pool.UsableCount == 0 ? RequestError.NoServer
                : context.RequestAborted.IsCancellationRequested ? RequestError.ClientAborted
                : wait == QueueWait.Full ? RequestError.QueueFull : RequestError.QueueTimeout;
            await AnswerNoServerAsync(state);
        }
        return server;
    }

    /// <summary>After a successful answer: the sticky table learns where the client went.</summary>
    public void Answered(RequestState state) =>
        StickySessions.Learn(state.Http, state.Route.Target!.Pool, state.Selection, state.Server!, time);

    /// <summary>Every usable server is full: wait in the pool's queue until one has room, the queue timeout, or the client leaves.</summary>
    private async Task<(ServerState? Server, QueueWait Outcome)> WaitForRoomAsync(RequestState state, PoolQueue queue)
    {
        var context = state.Http;
        var pool = state.Route.Target!.Pool;
        while (true)
        {
            var remaining = queue.Timeout - time.GetElapsedTime(state.Started);
            var outcome = remaining > TimeSpan.Zero ? await queue.WaitAsync(remaining, context.RequestAborted) : QueueWait.TimedOut;
            var server = ServerPicker.Acquire(pool, state.Selection);
            if (server is not null || outcome != QueueWait.Woken)
            {
                if (server is null && _queueLog.TryAcquire(out var suppressed))
                {
                    var why = outcome == QueueWait.Full ? $"the queue is full ({queue.Size} waiting)" : $"no room came within {queue.Timeout.TotalMilliseconds:0} ms";
                    ProxyLog.QueueRefused(logger, pool.Name, why, context.Request.Method, context.Request.Path, suppressed);
                }
                return (server, outcome);
            }
        }
    }

    private async Task AnswerNoServerAsync(RequestState state)
    {
        var context = state.Http;
        var pool = state.Route.Target!.Pool;
        if (_noServerLog.TryAcquire(out var suppressed))
        {
            ProxyLog.NoServer(logger, pool.Name, context.Request.Method, context.Request.Path, suppressed);
        }
        if (state.Cache is null || !await CacheStage.TryServeFallbackAsync(state))
        {
            // Unless stale-if-error lets a stored response stand in for the 503.
            await ErrorResponses.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable, state.Route.ErrorPages);
        }
        pool.Unrouted.RequestCompleted(StatusCodes.Status503ServiceUnavailable, time.GetElapsedTime(state.Started).TotalSeconds);
    }
}
