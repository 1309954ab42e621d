using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tandem.Core.Requests;
using Tandem.Proxy.Diagnostics;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// The admit stage of a route with policies: works out the real client address, then asks each policy in turn (all
/// must allow). A refusal is answered here (401, 403 or 429 with a short body, <c>WWW-Authenticate</c> or
/// <c>Retry-After</c>), named in the access log and logged at debug level, one line a second at most. Immutable.
/// </summary>
internal sealed class PolicyAdmission(CompiledPolicy[] policies, ClientAddressResolver addresses, LogThrottle throttle, ILogger logger) : AdmissionStage
{
    private static readonly ValueTask<bool> Admitted = new(true);
    private static readonly byte[] UnauthorizedBody = Encoding.ASCII.GetBytes("401 Unauthorized: credentials are missing or not valid.\n");
    private static readonly byte[] ForbiddenBody = Encoding.ASCII.GetBytes("403 Forbidden: an access policy refused this request.\n");
    private static readonly byte[] TooManyBody = Encoding.ASCII.GetBytes("429 Too Many Requests: retry later.\n");

    public IReadOnlyList<CompiledPolicy> Policies => policies;

    /// <summary>How the real client address is worked out (the explainer asks it as a request would).</summary>
    public ClientAddressResolver Addresses => addresses;

    public override ValueTask<bool> AdmitAsync(RequestState state)
    {
        state.ClientAddress = addresses.Resolve(state.Http);
        for (var i = 0; i < policies.Length; i++)
        {
            var pending = policies[i].CheckAsync(state);
            if (!pending.IsCompletedSuccessfully)
            {
                return ContinueAsync(state, pending, i);
            }
            var verdict = pending.Result;
            if (!verdict.IsAllowed)
            {
                return RefuseAsync(state, policies[i].Name, verdict);
            }
        }
        return Admitted;
    }

    private async ValueTask<bool> ContinueAsync(RequestState state, ValueTask<PolicyVerdict> pending, int index)
    {
        var verdict = await pending;
        if (!verdict.IsAllowed)
        {
            return await RefuseAsync(state, policies[index].Name, verdict);
        }
        for (var i = index + 1; i < policies.Length; i++)
        {
            verdict = await policies[i].CheckAsync(state);
            if (!verdict.IsAllowed)
            {
                return await RefuseAsync(state, policies[i].Name, verdict);
            }
        }
        return true;
    }

    /// <summary>Answers a refusal; also used for the default policy's 403 on a route without one.</summary>
    internal async ValueTask<bool> RefuseAsync(RequestState state, string policy, PolicyVerdict verdict)
    {
        state.Error = verdict.Status == 429 ? RequestError.RateLimited : RequestError.PolicyDenied;
        state.RefusedBy = policy;
        state.RefusalReason = verdict.Reason;
        var http = state.Http;
        if (logger.IsEnabled(LogLevel.Debug) && throttle.TryAcquire(out var suppressed))
        {
#pragma warning disable CA1873 // guarded by IsEnabled above
            PolicyLog.Refused(logger, policy, http.Request.Method, http.Request.Path.Value ?? "", state.ClientAddress?.ToString() ?? "-",
                verdict.Reason, verdict.Status, suppressed);
#pragma warning restore CA1873
        }
        var response = http.Response;
        if (response.HasStarted)
        {
            return false;
        }
        response.StatusCode = verdict.Status;
        if (verdict.Challenge is { } challenge)
        {
            response.Headers.WWWAuthenticate = challenge;
        }
        if (verdict.RetryAfterSeconds > 0)
        {
            response.Headers.RetryAfter = verdict.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
        var body = verdict.Status switch
        {
            StatusCodes.Status401Unauthorized => UnauthorizedBody,
            StatusCodes.Status429TooManyRequests => TooManyBody,
            _ => ForbiddenBody,
        };
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.AsMemory());
        return false;
    }
}
