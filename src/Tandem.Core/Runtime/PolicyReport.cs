namespace Tandem.Core.Runtime;

/// <summary>
/// The access policies in force, for the admin API (<c>GET /api/policies</c>): each policy with what it checks, what
/// uses it and its decisions, plus the rate limiters' size. A snapshot; counts start when a policy is compiled (a reload
/// that changes a policy's settings starts them again).
/// </summary>
/// <param name="DefaultPolicy"><c>allow</c> or <c>deny</c>.</param>
/// <param name="Policies">In the order of the config; under <c>default-policy: deny</c> last the <c>default</c> policy that refuses what names none.</param>
/// <param name="RateLimitKeys">Keys remembered by every rate limiter of the node together.</param>
public sealed record PoliciesReport(string DefaultPolicy, IReadOnlyList<PolicyReport> Policies, long RateLimitKeys);

/// <summary>One policy.</summary>
/// <param name="Name">Its name (<c>default</c> for the default policy's refusal).</param>
/// <param name="Kinds">What it checks, as the config names it: <c>allow</c>, <c>deny</c>, <c>client-certificate</c>, <c>jwt</c>, <c>basic-auth</c>, <c>forward-auth</c>, <c>rate-limit</c>, <c>default-deny</c>.</param>
/// <param name="Listeners">Listeners that name it (or, for <c>default</c>, name no policy).</param>
/// <param name="Routes">Routes that name it, as <c>LISTENER/ROUTE</c>.</param>
/// <param name="Allowed">Requests and connections it let through.</param>
/// <param name="Denied">Refusals by reason (<c>cidr</c>, <c>rate</c>, <c>jwt-expired</c>...).</param>
/// <param name="RateLimit">Its rate limiter; null without <c>rate-limit</c>.</param>
public sealed record PolicyReport(string Name, IReadOnlyList<string> Kinds, IReadOnlyList<string> Listeners, IReadOnlyList<string> Routes,
    long Allowed, IReadOnlyDictionary<string, long> Denied, RateLimitReport? RateLimit);

/// <summary>A policy's rate limiter.</summary>
/// <param name="Key"><c>ip</c>, <c>header:NAME</c>, <c>jwt:CLAIM</c> or <c>cert:subject</c>.</param>
/// <param name="Rate">As written: <c>100/s</c>.</param>
/// <param name="Burst">The bucket's size.</param>
/// <param name="Size">The most keys remembered.</param>
/// <param name="Keys">Keys remembered now.</param>
public sealed record RateLimitReport(string Key, string Rate, int Burst, int Size, int Keys);
