using Microsoft.AspNetCore.Http;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Recording;

/// <summary>
/// The record stage of one listener: when a request ends, however it ends, its listener's telemetry counts it once
/// (series and access-log line) with the server of the last attempt, the attempts, why it failed and the server's share
/// of the time. Built once per listener; a listener that records nothing (the warm-up) has none. A listener whose
/// metrics and access log are both off only counts requests in flight.
/// </summary>
internal sealed class RequestRecorder(IListenerTelemetry telemetry, TimeProvider time)
{
    private readonly bool _records = telemetry.RecordsRequests;

    /// <summary>Whether the response bytes of each request are worth counting (<see cref="ResponseBodyCounter"/>).</summary>
    public bool CountsResponseBodies => _records;

    /// <summary>Resolves <paramref name="route"/>'s series (once per config, before the route serves requests).</summary>
    public void Observe(Routing.Route route)
    {
        if (_records)
        {
            route.ObserveWith(telemetry);
        }
    }

    public void RequestStarted() => telemetry.RequestStarted();

    /// <summary>An attempt on <paramref name="server"/> failed for <paramref name="reason"/>; the request goes elsewhere.</summary>
    public void Retried(ServerState server, RequestError reason) => telemetry.Retried(server, reason);

    public void RequestCompleted(RequestState state)
    {
        var total = time.GetElapsedTime(state.Started).TotalSeconds;
        telemetry.RequestEnded();
        if (!_records)
        {
            return;
        }
        var context = state.Http;
        var request = context.Request;
        var response = context.Response;
        var method = request.Method;
        telemetry.Record(new RequestRecord
        {
            Pool = state.Route.Target?.Pool,
            Route = state.Route.Name,
            RouteTelemetry = state.Route.Telemetry,
            Server = state.Attempts == 0 ? null : state.Server,
            Attempts = state.Attempts,
            Error = state.Error,
            TotalSeconds = total,
            UpstreamSeconds = state.UpstreamTicks / (double)time.TimestampFrequency,
            Client = state.ClientAddress ?? context.Connection.RemoteIpAddress,
            Method = method,
            Host = request.Headers.Host,
            Path = request.Path.Value ?? "",
            Query = request.QueryString.Value ?? "",
            Protocol = request.Protocol,
            Status = response.StatusCode,
            BytesIn = request.ContentLength ?? 0,
            BytesOut = ResponseBodyCounter.Of(context) ?? (HttpMethods.IsHead(method) ? 0 : response.ContentLength ?? 0),
            UserAgent = request.Headers.UserAgent,
            Referer = request.Headers.Referer,
            Policy = state.RefusedBy,
            PolicyReason = state.RefusalReason,
            Cache = state.CacheOutcome,
        });
    }
}
