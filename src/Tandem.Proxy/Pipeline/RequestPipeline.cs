using Tandem.Core.Requests;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Selection;

namespace Tandem.Proxy.Pipeline;

/// <summary>
/// The life of a request on a data-plane listener, as a fixed list of stages: match a route (Routing), admit
/// (Admission), serve from cache (later), select a server (Selection), forward with retries (Forwarding, Retries) and
/// record (Recording). Each stage is a plain method call on an object chosen when the config was applied; a stage a
/// route does not need is absent (a null check), not a call. The stages share one <see cref="RequestState"/>.
/// </summary>
internal sealed class RequestPipeline(ServerSelection selection, RequestForwarder forwarder, TimeProvider time)
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
            if (route.Admission is { } admission && !await admission.AdmitAsync(state))
            {
                return;
            }
            // The request now belongs to the route's pool: it earns the pool's retry budget its share.
            route.Retry?.Earn();
            var server = selection.TryAcquire(state) ?? await selection.WaitOrRefuseAsync(state);
            if (server is null)
            {
                return;
            }
            await forwarder.ForwardAsync(state, server);
            if (state.Error == RequestError.None)
            {
                selection.Answered(state);
            }
        }
        finally
        {
            recorder?.RequestCompleted(state);
        }
    }
}
