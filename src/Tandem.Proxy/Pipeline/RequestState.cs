using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Core.Selection;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Recording;
using Tandem.Proxy.Routing;

namespace Tandem.Proxy.Pipeline;

/// <summary>
/// What the stages of one request share: the route it matched, the selection state, the server of its current
/// attempt, how many attempts it made, why it failed and its timings. One per connection (or HTTP/2 stream), reused for
/// each of its requests (<see cref="Begin"/> resets it, <see cref="End"/> drops its references), so a request
/// allocates none of it. Concurrency: one request at a time.
/// </summary>
internal sealed class RequestState(HttpContext http)
{
    public HttpContext Http { get; } = http;

    /// <summary>When the request arrived (a <see cref="TimeProvider"/> timestamp).</summary>
    public long Started { get; private set; }

    /// <summary>The listener's recorder; null when the listener records nothing (the warm-up).</summary>
    public RequestRecorder? Recorder { get; private set; }

    /// <summary>The route that serves the request (set by the match stage).</summary>
    public Route Route { get; set; } = null!;

    /// <summary>The client's key, its sticky server and the servers tried.</summary>
    public SelectionState Selection { get; } = new();

    /// <summary>The server of the current (or last) attempt; null before the first.</summary>
    public ServerState? Server { get; set; }

    /// <summary>Servers tried so far (1 + retries).</summary>
    public int Attempts { get; set; }

    /// <summary>Why the request (or its last attempt) failed; <see cref="RequestError.None"/> while it has not.</summary>
    public RequestError Error { get; set; }

    /// <summary>The last attempt's exchange with its server, in timestamp ticks.</summary>
    public long UpstreamTicks { get; set; }

    /// <summary>Further servers the request may still be tried on (<see cref="Retries.RetryPolicy"/>).</summary>
    public int RetriesLeft { get; set; }

    /// <summary>Whether the request's body can be sent again (none, or buffered).</summary>
    public bool Replayable { get; set; }

    /// <summary>The server a trusted caller picked by header (<c>header-routing</c>); null when none.</summary>
    public ServerState? PickedServer { get; set; }

    /// <summary>The real client address (after <c>trusted-proxies</c>) once the admit stage worked it out; null before.</summary>
    public IPAddress? ClientAddress { get; set; }

    /// <summary>Who the request's credentials name (token claims, user), as the admit stage validated them; null before.</summary>
    public Admission.Policies.PolicyPrincipal? Principal { get; set; }

    /// <summary>The access policy that refused the request; null while none did.</summary>
    public string? RefusedBy { get; set; }

    /// <summary>Why <see cref="RefusedBy"/> refused (<c>cidr</c>, <c>jwt-expired</c>, <c>rate</c>...).</summary>
    public string? RefusalReason { get; set; }

    /// <summary>The cache's exchange while a caching route's request is forwarded (its stale fallback); null otherwise.</summary>
    public Caching.CacheExchange? Cache { get; set; }

    /// <summary>How the cache served the request; <see cref="CacheOutcome.None"/> on a route without cache.</summary>
    public CacheOutcome CacheOutcome { get; set; }

    public void Begin(long started, RequestRecorder? recorder)
    {
        Started = started;
        Recorder = recorder;
        Server = null;
        Attempts = 0;
        Error = RequestError.None;
        UpstreamTicks = 0;
        RetriesLeft = 0;
        Replayable = false;
        ClientAddress = null;
        PickedServer = null;
        Principal = null;
        RefusedBy = null;
        RefusalReason = null;
        Cache = null;
        CacheOutcome = CacheOutcome.None;
    }

    /// <summary>The request is over: an idle connection keeps no route, server or recorder of an old config alive.</summary>
    public void End()
    {
        Route = null!;
        Server = null;
        PickedServer = null;
        Recorder = null;
        Cache = null;
        Selection.End();
    }
}
