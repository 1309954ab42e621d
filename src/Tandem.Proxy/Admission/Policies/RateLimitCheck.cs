using System.Net;
using Tandem.Core.Config.Policies;
using Tandem.Core.Runtime;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// <c>rate-limit</c>: spends a token of the request's key (the client address, a header, a token claim or the client
/// certificate's subject; the client address when the request lacks the one named) and answers 429 with
/// <c>Retry-After</c> when its bucket is empty. Runs after the other checks of its policy, so a refused request spends
/// nothing and a claim key is read from a validated token. On a layer-4 listener it limits new connections (or UDP
/// flows) per client address. Concurrency: any number of requests.
/// </summary>
internal sealed class RateLimitCheck(RateLimitKey key, RateLimitTable table) : PolicyCheck, IConnectionCheck
{
    private static readonly ValueTask<PolicyVerdict> Pass = new(PolicyVerdict.Allowed);

    public RateLimitTable Table => table;

    public override string Kind => "rate-limit";

    /// <summary>Spends nothing: passes, naming the budget the request would draw from.</summary>
    public override ValueTask<CheckExplanation> ExplainAsync(RequestState state, ExplainInput input)
    {
        var by = key.Kind switch
        {
            RateLimitKeyKind.Header => $"header {key.Name}",
            RateLimitKeyKind.JwtClaim => $"token claim {key.Name}",
            RateLimitKeyKind.CertificateSubject => "client certificate subject",
            _ => "client address",
        };
        return new(new CheckExplanation(Kind, PolicyExplainer.Allow, null,
            $"passes while the budget lasts: {table.Describe()} per {by}; explain spends no token"));
    }

    public override ValueTask<PolicyVerdict> CheckAsync(RequestState state)
    {
        var name = key.Kind switch
        {
            RateLimitKeyKind.Header => (string?)state.Http.Request.Headers[key.Name!],
            RateLimitKeyKind.JwtClaim => state.Principal?.Claim(key.Name!),
            RateLimitKeyKind.CertificateSubject => ClientCertificateCheck.VerifiedCertificate(state.Http)?.Subject,
            _ => null,
        };
        bool allowed;
        TimeSpan retryAfter;
        if (string.IsNullOrEmpty(name))
        {
            allowed = TryAcquire(state.ClientAddress!, out retryAfter);
        }
        else
        {
            allowed = table.TryAcquire(name, out retryAfter);
        }
        return allowed ? Pass : new(Refused(retryAfter));
    }

    /// <summary>The client address is the key whatever <c>key</c> says: a connection has no header, token or certificate to read.</summary>
    public PolicyVerdict CheckConnection(IPAddress client) => TryAcquire(client, out var retryAfter) ? PolicyVerdict.Allowed : Refused(retryAfter);

    private static PolicyVerdict Refused(TimeSpan retryAfter) =>
        new(429, "rate", RetryAfterSeconds: Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)));

    private bool TryAcquire(IPAddress address, out TimeSpan retryAfter)
    {
        // Formatted on the stack: a returning client's address allocates nothing. A prefix keeps addresses apart from header values.
        Span<char> text = stackalloc char[48];
        text[0] = '@';
        return address.TryFormat(text[1..], out var written)
            ? table.TryAcquire(text[..(written + 1)], out retryAfter)
            : table.TryAcquire("@?", out retryAfter);
    }
}
