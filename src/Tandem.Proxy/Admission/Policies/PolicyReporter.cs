using System.Globalization;
using Tandem.Core.Config;
using Tandem.Core.Config.Policies;
using Tandem.Core.Runtime;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>Builds the admin API's view of the policies in force (<see cref="PoliciesReport"/>) from a <see cref="PolicyCompiler"/>. Off the request path.</summary>
internal static class PolicyReporter
{
    public static PoliciesReport Report(PolicyCompiler compiler)
    {
        var config = compiler.Config;
        var reports = new List<PolicyReport>();
        long keys = 0;
        foreach (var policy in config.Policies ?? [])
        {
            var compiled = compiler.Find(policy.Name);
            var table = RateTable(compiled);
            keys += table?.Count ?? 0;
            var (listeners, routes) = Users(config, policy.Name);
            reports.Add(new PolicyReport(policy.Name, Kinds(policy), listeners, routes, compiled?.Allowed ?? 0, Denied(compiled),
                policy.RateLimit is { } rate ? new RateLimitReport(rate.Key.ToString(), RateText(rate), rate.Burst ?? rate.Rate,
                    rate.Size ?? PolicyCompiler.DefaultRateLimitSize, table?.Count ?? 0) : null));
        }
        if (compiler.Default == DefaultPolicy.Deny)
        {
            // The listeners that name no policy: each refuses what its routes do not admit by a policy of their own.
            var closed = new List<string>();
            foreach (var listener in config.Listeners)
            {
                if (listener.Policy is not { Count: > 0 })
                {
                    closed.Add(listener.Name);
                }
            }
            var deny = compiler.Find(PolicyCompiler.DefaultPolicyName);
            reports.Add(new PolicyReport(PolicyCompiler.DefaultPolicyName, ["default-deny"], closed, [], deny?.Allowed ?? 0, Denied(deny), null));
        }
        return new PoliciesReport(compiler.Default == DefaultPolicy.Deny ? "deny" : "allow", reports, keys);
    }

    private static List<string> Kinds(PolicyConfig policy)
    {
        var kinds = new List<string>();
        if (policy.Allow is not null)
        {
            kinds.Add("allow");
        }
        if (policy.Deny is not null)
        {
            kinds.Add("deny");
        }
        if (policy.ClientCertificate is not null)
        {
            kinds.Add("client-certificate");
        }
        if (policy.Jwt is not null)
        {
            kinds.Add("jwt");
        }
        if (policy.BasicAuth is not null)
        {
            kinds.Add("basic-auth");
        }
        if (policy.ForwardAuth is not null)
        {
            kinds.Add("forward-auth");
        }
        if (policy.RateLimit is not null)
        {
            kinds.Add("rate-limit");
        }
        return kinds;
    }

    private static (List<string> Listeners, List<string> Routes) Users(TandemConfig config, string name)
    {
        var listeners = new List<string>();
        var routes = new List<string>();
        foreach (var listener in config.Listeners)
        {
            if (listener.Policy is { } names && names.Contains(name, StringComparer.Ordinal))
            {
                listeners.Add(listener.Name);
            }
            foreach (var route in listener.Routes ?? [])
            {
                if (route.Policies is { } own && own.Contains(name, StringComparer.Ordinal))
                {
                    routes.Add(listener.Name + "/" + route.Name);
                }
            }
        }
        return (listeners, routes);
    }

    private static SortedDictionary<string, long> Denied(CompiledPolicy? policy)
    {
        var denied = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (policy is not null)
        {
            foreach (var (reason, count) in policy.Denied)
            {
                denied[reason] = count;
            }
        }
        return denied;
    }

    private static RateLimitTable? RateTable(CompiledPolicy? policy)
    {
        foreach (var check in policy?.Checks ?? [])
        {
            if (check is RateLimitCheck rate)
            {
                return rate.Table;
            }
        }
        return null;
    }

    private static string RateText(RateLimitPolicyConfig rate) => string.Create(CultureInfo.InvariantCulture,
        $"{rate.Rate}/{(rate.Per == TimeSpan.FromSeconds(1) ? "s" : rate.Per == TimeSpan.FromMinutes(1) ? "m" : "h")}");
}
