using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Proxy.Caching;
using Tandem.Proxy.Diagnostics;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Selection;

namespace Tandem.Proxy.Pipeline;

/// <summary>
/// The life of a request on a data-plane listener, as a fixed list of stages: match a route (Routing), admit
/// (Admission), answer without a server when the route says so (respond, redirect), serve from cache (Caching), select a server (Selection), forward with retries (Forwarding, Retries) and
/// record (Recording). Each stage is a plain method call on an object chosen when the config was applied; a stage a
/// route does not need is absent (a null check), not a call. The stages share one <see cref="RequestState"/>.
/// </summary>
internal sealed class RequestPipeline(ServerSelection selection, RequestForwarder forwarder, TimeProvider time, ILogger<RequestPipeline> logger)
    : ICacheUpstream
{
    public async Task RunAsync(ListenerPipeline listener, RequestState state)
    {
        var recorder = listener.Recorder;
        state.Begin(time.GetTimestamp(), recorder);
        recorder?.RequestStarted();
        try
        {
            var route = listener.Routes.Match(state.Http.Request);
            state.Route = route;
            if (route.MaxBody is { } maxBody)
            {
                RequestChecks.ApplyMaxBody(state.Http, maxBody);
            }
            // What cannot be forwarded as received is refused before a server is chosen: the client's fault, never a server's.
            var refused = RequestChecks.Refuse(state.Http, out var why);
            if (refused != RequestError.None)
            {
                state.Error = refused;
                if (logger.IsEnabled(LogLevel.Debug))
                {
#pragma warning disable CA1873 // guarded by IsEnabled above
                    ProxyLog.Refused(logger, state.Http.Request.Method, state.Http.Request.Path, why, ProxyErrors.StatusFor(refused));
#pragma warning restore CA1873
                }
                await RequestForwarder.AnswerClientFaultAsync(state.Http, refused, route.ErrorPages);
                return;
            }
            if (route.Admission is { } admission && !await admission.AdmitAsync(state))
            {
                return;
            }
            if (route.HeaderRouting is { } headerRouting)
            {
                // A trusted caller may name another pool (a copy of this route to it) or a server.
                route = headerRouting.Apply(state, route);
                state.Route = route;
            }
            if (route.Answer is { } answer)
            {
                await answer.AnswerAsync(state.Http);
                return;
            }
            if (route.Cache is { } cache)
            {
                // Answered from the cache, or passed to the stages below by it (a miss, a revalidation).
                await cache.RunAsync(state, this);
                return;
            }
            // ForwardAsync's steps, written out here: awaiting ForwardAsync would put one more state machine box on the
            // heap for every request (bench/README.md, "Allocations and memory per request").
            var server = Select(state) ?? await selection.WaitOrRefuseAsync(state);
            if (server is not null)
            {
                await forwarder.ForwardAsync(state, server);
                Forwarded(state);
            }
        }
        finally
        {
            recorder?.RequestCompleted(state);
        }
    }

    /// <summary>Select a server of the request's route (queueing while all are full) and forward: the stages after the cache.</summary>
    /// <remarks>A pooled builder: the state machine is reused instead of allocated per request.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ForwardAsync(RequestState state)
    {
        var server = Select(state) ?? await selection.WaitOrRefuseAsync(state);
        if (server is null)
        {
            return;
        }
        await forwarder.ForwardAsync(state, server);
        Forwarded(state);
    }

    /// <summary>A server for the request when one has room now (null: wait or refuse).</summary>
    private ServerState? Select(RequestState state)
    {
        // The request now belongs to the route's pool: it earns the pool's retry budget its share.
        state.Route.Retry?.Earn();
        return selection.TryAcquire(state);
    }

    private void Forwarded(RequestState state)
    {
        if (state.Error == RequestError.None)
        {
            selection.Answered(state);
        }
    }
}
