using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tandem.Core.Config;
using Tandem.Core.Requests;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Caching;

/// <summary>
/// The serve-from-cache stage of one route (RFC 9111 as a shared cache). GET and HEAD look in the cache: a fresh
/// response is served (a 304 when the client's validators match), a stale one within <c>stale-while-revalidate</c> is
/// served while one background request refreshes it, anything else goes to a server, with the stored validators when
/// there are some (a 304 refreshes the stored response) and with the stale response kept for <c>stale-if-error</c>.
/// Concurrent misses of one key make one request (<see cref="HttpCache.TryLead"/>); the others wait up to
/// <c>collapse-timeout</c> and look again. Unsafe methods pass through and, when they succeed, invalidate the URI.
/// One per caching route and config. Concurrency: any request thread.
/// </summary>
internal sealed class CacheStage(RouteCacheConfig config, HttpCache cache, string route, HeaderChanges? responseHeaders = null)
{
    /// <summary>
    /// The headers the route's <c>response-headers</c> write: rendered per request (<c>{client.ip}</c>...), so they are
    /// not stored and are rendered again for each answer from the cache.
    /// </summary>
    private readonly HashSet<string> _routeHeaders = new(responseHeaders?.Written ?? [], StringComparer.OrdinalIgnoreCase);

    public const string XCacheHeader = "X-Cache";

    private readonly HeaderChanges? _responseHeaders = responseHeaders;

    public bool XCache => config.XCacheHeader;

    public long MaxObject => cache.Config.MaxObject;

    public DateTimeOffset Now => cache.Time.GetUtcNow();

    public HttpCache Cache => cache;

    public async Task RunAsync(RequestState state, ICacheUpstream upstream)
    {
        var outcome = await ServeAsync(state, upstream);
        state.CacheOutcome = outcome;
        cache.Telemetry.Served(route, outcome);
    }

    private async Task<CacheOutcome> ServeAsync(RequestState state, ICacheUpstream upstream)
    {
        var context = state.Http;
        var request = context.Request;
        var isGet = HttpMethods.IsGet(request.Method);
        if (!isGet && !HttpMethods.IsHead(request.Method))
        {
            return await PassUnsafeAsync(state, upstream);
        }
        var asked = RequestDirectives(request);
        var primary = CacheKeys.Primary(request);
        var stored = await cache.LookupAsync(primary, request, context.RequestAborted);
        var now = Now;
        if (stored is not null && WithoutServer(stored, asked, now) is { } served)
        {
            await CachedResponseWriter.WriteAsync(context, stored, stored.AgeAt(now), Label(served), _responseHeaders);
            if (served == Answer.StaleRefresh)
            {
                RefreshInBackground(state, upstream, primary, stored);
            }
            return served == Answer.Fresh ? CacheOutcome.Hit : CacheOutcome.Stale;
        }
        if (asked.OnlyIfCached)
        {
            // RFC 9111 §5.2.1.7: nothing stored that may be used, and no server may be asked.
            context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
            return CacheOutcome.Miss;
        }
        var exchange = new CacheExchange(primary, now)
        {
            // A range request goes as the client wrote it: its If-Range must reach the server, and a 206 is never stored.
            Validating = isGet && stored is not null && (stored.ETag is not null || stored.LastModified is not null) && request.Headers.Range.Count == 0 ? stored : null,
            Fallback = stored is not null && !Freshness.MustRevalidateWhenStale(stored.Directives) ? stored : null,
        };
        if (stored is not null || !isGet || HasConditionals(request))
        {
            return await ForwardAsync(state, upstream, exchange);
        }
        return await CollapseAsync(state, upstream, asked, primary, exchange);
    }

    /// <summary>
    /// A plain miss: one request per variant goes to a server, the others of that variant wait for it (at most
    /// <c>collapse-timeout</c>) and are served from the cache. The flight is keyed by the variant once the URL's
    /// <c>Vary</c> is known (its marker is in memory), so a client never waits for another variant's answer. Before it is
    /// known the flight is the URL's; a waiter the leader's answer does not fit (another variant, or nothing stored)
    /// tries once more on its own variant's flight, so the clients of the second variant also make one request.
    /// </summary>
    private async Task<CacheOutcome> CollapseAsync(RequestState state, ICacheUpstream upstream, CacheDirectives asked, string primary, CacheExchange exchange)
    {
        var context = state.Http;
        var request = context.Request;
        var key = cache.CollapseKey(primary, request);
        for (var round = 0; ; round++)
        {
            if (cache.TryLead(key, out var flight))
            {
                try
                {
                    return await ForwardAsync(state, upstream, exchange);
                }
                finally
                {
                    cache.Land(key, flight);
                }
            }
            try
            {
                await flight.Task.WaitAsync(config.CollapseTimeout, cache.Time, context.RequestAborted);
            }
            catch (TimeoutException)
            {
                // The leader is slow: this request goes on its own (waiting again could double the bound).
                break;
            }
            catch (OperationCanceledException)
            {
                state.Error = RequestError.ClientAborted;
                return CacheOutcome.Miss;
            }
            var stored = await cache.LookupAsync(primary, request, context.RequestAborted);
            var now = Now;
            if (stored is not null && WithoutServer(stored, asked, now) == Answer.Fresh)
            {
                await CachedResponseWriter.WriteAsync(context, stored, stored.AgeAt(now), XCache ? "HIT" : null, _responseHeaders);
                return CacheOutcome.Hit;
            }
            var variant = cache.CollapseKey(primary, request);
            if (round > 0 || string.Equals(variant, key, StringComparison.Ordinal))
            {
                break;
            }
            key = variant;
            exchange = new CacheExchange(primary, now);
        }
        return await ForwardAsync(state, upstream, new CacheExchange(primary, Now));
    }

    /// <summary>
    /// A stored response served without a server: a fresh one the request accepts; a stale one within the request's
    /// <c>max-stale</c>, or within <c>stale-while-revalidate</c> (then refreshed in the background); else null.
    /// </summary>
    private Answer? WithoutServer(CachedResponse stored, CacheDirectives asked, DateTimeOffset now)
    {
        if (asked.NoCache || stored.Directives.NoCache)
        {
            return null;
        }
        var age = stored.AgeAt(now);
        var lifetime = Freshness.Lifetime(stored, config);
        if (age < lifetime)
        {
            var acceptable = (asked.MaxAge is not { } maxAge || age <= maxAge) && (asked.MinFresh is not { } minFresh || lifetime - age >= minFresh);
            return acceptable ? Answer.Fresh : null;
        }
        if (Freshness.MustRevalidateWhenStale(stored.Directives))
        {
            return null;
        }
        var staleness = age - lifetime;
        if (asked.MaxStale is { } maxStale && staleness <= maxStale)
        {
            return Answer.Stale;
        }
        var window = stored.Directives.StaleWhileRevalidate ?? config.StaleWhileRevalidate;
        return asked.MaxAge is null && staleness < window ? Answer.StaleRefresh : null;
    }

    /// <summary>Whether <paramref name="fallback"/> may stand in for a server's failure now (<c>stale-if-error</c>: the response's, else the route's).</summary>
    public bool MayServeOnError(CachedResponse fallback, DateTimeOffset now)
    {
        var staleness = fallback.AgeAt(now) - Freshness.Lifetime(fallback, config);
        return staleness < (fallback.Directives.StaleIfError ?? config.StaleIfError);
    }

    /// <summary>
    /// Serves the request's stale fallback in place of Tandem's error answer (no server could answer, connect failed,
    /// timed out) when <c>stale-if-error</c> allows it; false when it does not, and the error is answered as usual.
    /// </summary>
    public static async ValueTask<bool> TryServeFallbackAsync(RequestState state)
    {
        if (state.Cache is not { Fallback: { } fallback } exchange || exchange.Stage is not { } stage || state.Http.Response.HasStarted)
        {
            return false;
        }
        var now = stage.Now;
        if (!stage.MayServeOnError(fallback, now))
        {
            return false;
        }
        exchange.Outcome = CacheOutcome.Stale;
        if (!exchange.Background)
        {
            await CachedResponseWriter.WriteAsync(state.Http, fallback, fallback.AgeAt(now), stage.XCache ? "STALE" : null, stage._responseHeaders);
        }
        return true;
    }

    /// <summary>
    /// Whether a server's response to <paramref name="request"/> may be stored by a shared cache (RFC 9111 §3), and notes
    /// in <paramref name="exchange"/> what storing it needs. A response with <c>Set-Cookie</c> is never stored: one
    /// client's cookie must never reach another.
    /// </summary>
    public bool Storable(HttpRequest request, HttpResponseMessage response, CacheExchange exchange)
    {
        var status = (int)response.StatusCode;
        if (!HttpMethods.IsGet(request.Method) || !Understood(status) || RequestDirectives(request).NoStore)
        {
            return false;
        }
        var directives = CacheDirectives.Parse(ResponseHeaders.Get(response, HeaderNames.CacheControl));
        if (directives.NoStore || directives.Private || ResponseHeaders.Has(response, HeaderNames.SetCookie)
            || ResponseHeaders.Has(response, HeaderNames.ContentRange))
        {
            return false;
        }
        if (CacheKeys.VaryNames(ResponseHeaders.Get(response, HeaderNames.Vary)) is not { } varyNames)
        {
            return false;
        }
        var authorized = request.Headers.Authorization.Count > 0;
        if (authorized && !directives.Public && directives.SharedMaxAge is null && !directives.MustRevalidate)
        {
            return false;
        }
        var explicitLifetime = Freshness.HasExplicitLifetime(directives, ResponseHeaders.Has(response, HeaderNames.Expires));
        var heuristic = Freshness.HeuristicallyCacheable(status)
            && (config.HeuristicFixed is not null || (config.HeuristicFraction is not null && ResponseHeaders.Has(response, HeaderNames.LastModified)));
        var validator = ResponseHeaders.Has(response, HeaderNames.ETag) || ResponseHeaders.Has(response, HeaderNames.LastModified);
        if (!explicitLifetime && !heuristic && !(directives.NoCache && validator))
        {
            return false;
        }
        exchange.VaryNames = varyNames;
        exchange.Tags = CacheKeys.Tags(ResponseHeaders.Get(response, cache.Config.TagHeader));
        exchange.ToShared = !authorized;
        return true;
    }

    /// <summary>Forwards with <paramref name="exchange"/> and, once the response is over, stores it, applies a 304 or serves the fallback.</summary>
    private async Task<CacheOutcome> ForwardAsync(RequestState state, ICacheUpstream upstream, CacheExchange exchange)
    {
        var context = state.Http;
        exchange.Stage = this;
        context.Features.Set(exchange);
        state.Cache = exchange;
        try
        {
            await upstream.ForwardAsync(state);
        }
        finally
        {
            context.Features.Set<CacheExchange>(null);
            exchange.Capture?.Detach(context);
        }
        if (exchange.NotModified is { } notModified && exchange.Validating is { } stored)
        {
            var updated = new CachedResponse(stored.Status, ResponseHeaders.Update(stored.Headers, notModified), stored.Body, exchange.RequestTime,
                exchange.ResponseTime, stored.VaryNames, stored.VaryValues, stored.Tags);
            Store(exchange.Primary, updated, context.Request.Headers.Authorization.Count == 0);
            if (!exchange.Background)
            {
                await CachedResponseWriter.WriteAsync(context, updated, updated.AgeAt(Now), XCache ? "REVALIDATED" : null, _responseHeaders);
            }
            return CacheOutcome.Revalidated;
        }
        if (exchange.ServeFallback && exchange.Fallback is { } fallback)
        {
            if (!exchange.Background)
            {
                await CachedResponseWriter.WriteAsync(context, fallback, fallback.AgeAt(Now), XCache ? "STALE" : null, _responseHeaders);
            }
            return CacheOutcome.Stale;
        }
        if (exchange.Capture is { } capture)
        {
            var body = capture.TakeBody();
            var response = context.Response;
            if (body is not null && state.Error == RequestError.None && !context.RequestAborted.IsCancellationRequested
                && (response.ContentLength is not { } length || length == body.Length || response.Headers.ContentEncoding.Count > 0))
            {
                var varyValues = CacheKeys.VaryValues(exchange.VaryNames, context.Request);
                var fetched = new CachedResponse(response.StatusCode, ResponseHeaders.Of(response.Headers, _routeHeaders), body, exchange.RequestTime, exchange.ResponseTime,
                    exchange.VaryNames, varyValues, exchange.Tags);
                Store(exchange.Primary, fetched, exchange.ToShared);
            }
        }
        return exchange.Outcome;
    }

    private void Store(string primary, CachedResponse response, bool toShared) => cache.Store(primary, response, toShared, DropTime(response));

    /// <summary>
    /// When no request can use <paramref name="response"/> any more, in both tiers: the end of its freshness plus the
    /// longest stale window it may be served in (<c>stale-while-revalidate</c>, <c>stale-if-error</c>: the response's,
    /// else the route's; none when it must be revalidated once stale); one with a validator (<c>ETag</c>,
    /// <c>Last-Modified</c>) is kept at least <c>cache.max-stale-keep</c> past its freshness, as a 304 can renew it
    /// without a body. A client's <c>max-stale</c> is served only within that time.
    /// </summary>
    public DateTimeOffset DropTime(CachedResponse response)
    {
        var d = response.Directives;
        var stale = Freshness.MustRevalidateWhenStale(d) ? TimeSpan.Zero : Max(d.StaleWhileRevalidate ?? config.StaleWhileRevalidate, d.StaleIfError ?? config.StaleIfError);
        var keep = response.ETag is not null || response.LastModified is not null ? Max(stale, cache.Config.MaxStaleKeep) : stale;
        // Stale once its age reaches the lifetime: age = initial age + time since it arrived (RFC 9111 §4.2.3).
        return response.ResponseTime - response.InitialAge + Freshness.Lifetime(response, config) + keep;
    }

    /// <summary>POST, PUT, DELETE, PATCH...: forwarded; a success invalidates the URI and its Location and Content-Location on the same host (RFC 9111 §4.4).</summary>
    private async Task<CacheOutcome> PassUnsafeAsync(RequestState state, ICacheUpstream upstream)
    {
        var context = state.Http;
        var request = context.Request;
        var safe = HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method);
        var primary = safe ? null : CacheKeys.Primary(request);
        await upstream.ForwardAsync(state);
        var status = context.Response.StatusCode;
        if (primary is null || state.Error != RequestError.None || status is < 200 or >= 400)
        {
            return CacheOutcome.Bypass;
        }
        cache.Invalidate(primary);
        InvalidateReference(request, context.Response.Headers.Location);
        InvalidateReference(request, context.Response.Headers.ContentLocation);
        return CacheOutcome.Bypass;
    }

    private void InvalidateReference(HttpRequest request, string? reference)
    {
        var origin = request.Scheme + "://" + request.Host.Value + "/";
        if (string.IsNullOrEmpty(reference) || !Uri.TryCreate(origin, UriKind.Absolute, out var self) || !Uri.TryCreate(self, reference, out var uri)
            || !string.Equals(uri.Host, self.Host, StringComparison.OrdinalIgnoreCase) || uri.Port != self.Port)
        {
            return;
        }
        cache.Invalidate(CacheKeys.Primary(request.Scheme, request.Host.Value, new PathString(Uri.UnescapeDataString(uri.AbsolutePath)), uri.Query));
    }

    /// <summary>
    /// stale-while-revalidate: one request (per variant at a time) fetches the response again, with the stored validators,
    /// on a context of its own, while the client already has the stale one.
    /// </summary>
    private void RefreshInBackground(RequestState state, ICacheUpstream upstream, string primary, CachedResponse stale)
    {
        // One refresh per variant, on the flight its misses collapse on.
        var key = cache.CollapseKey(primary, state.Http.Request);
        if (!cache.TryLead(key, out var flight))
        {
            return;
        }
        var source = state.Http;
        var copy = new DefaultHttpContext();
        var request = copy.Request;
        request.Method = HttpMethods.Get;
        request.Scheme = source.Request.Scheme;
        request.Host = source.Request.Host;
        request.PathBase = source.Request.PathBase;
        request.Path = source.Request.Path;
        request.QueryString = source.Request.QueryString;
        request.Protocol = "HTTP/1.1";
        foreach (var (name, values) in source.Request.Headers)
        {
            if (!string.Equals(name, HeaderNames.CacheControl, StringComparison.OrdinalIgnoreCase) && !string.Equals(name, HeaderNames.Pragma, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers[name] = values;
            }
        }
        copy.Connection.RemoteIpAddress = source.Connection.RemoteIpAddress;
        var matched = state.Route;
        var recorder = state.Recorder;
        _ = Task.Run(async () =>
        {
            // The refresh is upstream traffic the cache makes by itself: the listener records it as a request of its own
            // (an access-log line with cache REFRESH), and the cache counts it by outcome.
            var background = new RequestState(copy);
            background.Begin(cache.Time.GetTimestamp(), recorder);
            background.Route = matched;
            background.CacheOutcome = CacheOutcome.Refresh;
            recorder?.RequestStarted();
            var ok = false;
            try
            {
                var exchange = new CacheExchange(primary, Now)
                {
                    Background = true,
                    Validating = stale.ETag is not null || stale.LastModified is not null ? stale : null,
                };
                var outcome = await ForwardAsync(background, upstream, exchange);
                ok = background.Error == RequestError.None && outcome is not CacheOutcome.Stale && copy.Response.StatusCode < 500;
            }
            catch (Exception ex)
            {
                CacheLog.RefreshFailed(cache.Logger, primary, ex.Message);
            }
            finally
            {
                cache.Land(key, flight);
                cache.Telemetry.Refreshed(route, ok);
                try
                {
                    recorder?.RequestCompleted(background);
                }
                finally
                {
                    background.End();
                }
            }
        });
    }

    /// <summary>The request's <c>Cache-Control</c>; <c>Pragma: no-cache</c> counts as <c>no-cache</c> when there is none (RFC 9111 §5.4).</summary>
    private static CacheDirectives RequestDirectives(HttpRequest request)
    {
        var header = request.Headers.CacheControl;
        if (header.Count > 0)
        {
            return CacheDirectives.Parse(header);
        }
        return request.Headers.Pragma.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase) ? new CacheDirectives { NoCache = true } : default;
    }

    private static bool HasConditionals(HttpRequest request) =>
        request.Headers.IfNoneMatch.Count > 0 || request.Headers.IfModifiedSince.Count > 0 || request.Headers.IfRange.Count > 0 || request.Headers.Range.Count > 0;

    /// <summary>The statuses this cache stores (RFC 9110's cacheable ones and the redirects it understands).</summary>
    private static bool Understood(int status) => status is 200 or 203 or 204 or 300 or 301 or 302 or 307 or 308 or 404 or 405 or 410 or 414 or 501;

    private string? Label(Answer answer) => !XCache ? null : answer == Answer.Fresh ? "HIT" : "STALE";

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private enum Answer
    {
        Fresh,
        Stale,
        StaleRefresh,
    }
}
