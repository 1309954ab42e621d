using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Tandem.Core.Config.Policies;
using Tandem.Core.Runtime;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// <c>forward-auth</c>: asks an auth service, as nginx's <c>auth_request</c> and Traefik's <c>forwardAuth</c> do. A GET to
/// the URL carries the request's <c>Authorization</c> and <c>Cookie</c> and <c>X-Forwarded-Method/Proto/Host/Uri/For</c>;
/// a 2xx answer admits (its <c>copy-headers</c> are set on the request sent on, replacing any the client sent), a 401
/// is passed on as 401, anything else or no answer in time is a 403. Answers are reused for the same method, host, path
/// and credentials for a few seconds. Concurrency: any number of requests; the cache is bounded (cleared when full).
/// </summary>
internal sealed class ForwardAuthCheck(string policy, ForwardAuthPolicyConfig config, HttpClient http, TimeProvider time, ILogger logger) : PolicyCheck
{
    private const int CacheSize = 10_000;

    private readonly TimeSpan _cacheFor = config.Cache ?? TimeSpan.FromSeconds(5);
    private readonly TimeSpan _timeout = config.Timeout ?? TimeSpan.FromSeconds(2);
    private readonly string[] _copy = config.CopyHeaders is { } copy ? [.. copy] : [];
    private readonly ConcurrentDictionary<string, Answer> _cache = new(StringComparer.Ordinal);
    private readonly string _url = config.Url.ToString();

    public override string Kind => "forward-auth";

    /// <summary>The auth service is not asked for an explanation: its answer depends on it, and asking it is a request of its own.</summary>
    public override ValueTask<CheckExplanation> ExplainAsync(RequestState state, ExplainInput input) =>
        new(new CheckExplanation(Kind, PolicyExplainer.Unknown, null, $"the auth service {_url} decides; explain does not call it"));

    public override ValueTask<PolicyVerdict> CheckAsync(RequestState state)
    {
        var request = state.Http.Request;
        var key = string.Concat(request.Method, " ", request.Host.Value, request.Path.Value, "\n", request.Headers.Authorization.ToString(), "\n",
            request.Headers.Cookie.ToString());
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var answer) && now < answer.Until)
        {
            return new(Apply(request, answer));
        }
        return AskAsync(state, key, now);
    }

    private async ValueTask<PolicyVerdict> AskAsync(RequestState state, string key, DateTimeOffset now)
    {
        var request = state.Http.Request;
        using var ask = new HttpRequestMessage(HttpMethod.Get, config.Url);
        ask.Headers.TryAddWithoutValidation("X-Forwarded-Method", request.Method);
        ask.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        ask.Headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        ask.Headers.TryAddWithoutValidation("X-Forwarded-Uri", request.Path.Value + request.QueryString.Value);
        ask.Headers.TryAddWithoutValidation("X-Forwarded-For", state.ClientAddress!.ToString());
        CopyIn(ask, request, "Authorization");
        CopyIn(ask, request, "Cookie");
        Answer answer;
        try
        {
            using var timeout = new CancellationTokenSource(_timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, state.Http.RequestAborted);
            using var response = await http.SendAsync(ask, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            var headers = new KeyValuePair<string, string?>[_copy.Length];
            for (var i = 0; i < _copy.Length; i++)
            {
                headers[i] = new(_copy[i], response.Headers.TryGetValues(_copy[i], out var values) ? string.Join(", ", values) : null);
            }
            var challenge = response.Headers.WwwAuthenticate.ToString();
            answer = new Answer(status, headers, challenge.Length == 0 ? "Bearer" : challenge, now + _cacheFor);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            PolicyLog.ForwardAuthFailed(logger, policy, _url, ex.Message);
            return PolicyVerdict.Forbidden("forward-auth-error");
        }
        if (_cache.Count >= CacheSize)
        {
            _cache.Clear();
        }
        _cache[key] = answer;
        return Apply(request, answer);
    }

    private static void CopyIn(HttpRequestMessage ask, HttpRequest request, string header)
    {
        if (request.Headers.TryGetValue(header, out var value) && !StringValues.IsNullOrEmpty(value))
        {
            ask.Headers.TryAddWithoutValidation(header, (IEnumerable<string>)value!);
        }
    }

    private static PolicyVerdict Apply(HttpRequest request, Answer answer)
    {
        if (answer.Status is >= 200 and < 300)
        {
            foreach (var (name, value) in answer.Headers)
            {
                if (value is null)
                {
                    request.Headers.Remove(name);
                }
                else
                {
                    request.Headers[name] = value;
                }
            }
            return PolicyVerdict.Allowed;
        }
        return answer.Status == 401 ? PolicyVerdict.Unauthorized("forward-auth", answer.Challenge) : PolicyVerdict.Forbidden("forward-auth");
    }

    private sealed record Answer(int Status, KeyValuePair<string, string?>[] Headers, string Challenge, DateTimeOffset Until);
}
