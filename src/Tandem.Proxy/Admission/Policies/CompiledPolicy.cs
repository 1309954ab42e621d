using System.Collections.Concurrent;
using System.Net;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// One named policy, compiled: its checks in the order they run (address, certificate, credentials, rate limit), the
/// first refusal wins. Counts each decision under its reason. Kept across reloads while the policy's settings do not
/// change, so rate-limit buckets and key caches survive an unrelated edit. A layer-4 listener asks
/// <see cref="CheckConnection"/> instead, with the checks that need only the client address.
/// Concurrency: any number of requests.
/// </summary>
internal sealed class CompiledPolicy
{
    /// <summary>The reason a layer-4 connection gets from a check that needs an HTTP request (the config refuses such a policy there).</summary>
    internal const string NeedsHttpReason = "needs-http";

    private static readonly DenyCheck NeedsHttp = new(NeedsHttpReason);

    private readonly PolicyCheck[] _checks;
    private readonly IConnectionCheck[] _connectionChecks;
    private readonly IPolicyTelemetry _telemetry;
    private readonly DecisionCounter _allowed;
    private readonly ConcurrentDictionary<string, DecisionCounter> _denied = new(StringComparer.Ordinal);

    public CompiledPolicy(string name, string signature, PolicyCheck[] checks, IPolicyTelemetry telemetry)
    {
        Name = name;
        Signature = signature;
        _checks = checks;
        _telemetry = telemetry;
        _allowed = new DecisionCounter(telemetry.Decisions(name, "allow", "ok"));
        // A check a connection cannot answer refuses it: fail closed.
        _connectionChecks = new IConnectionCheck[checks.Length];
        for (var i = 0; i < checks.Length; i++)
        {
            _connectionChecks[i] = checks[i] as IConnectionCheck ?? NeedsHttp;
        }
    }

    public string Name { get; }

    public string Signature { get; }

    public IReadOnlyList<PolicyCheck> Checks => _checks;

    /// <summary>Decisions that allowed, since the policy was compiled.</summary>
    public long Allowed => _allowed.Count;

    /// <summary>Refusals by reason, since the policy was compiled (a snapshot).</summary>
    public IEnumerable<KeyValuePair<string, long>> Denied
    {
        get
        {
            foreach (var (reason, counter) in _denied)
            {
                yield return new KeyValuePair<string, long>(reason, counter.Count);
            }
        }
    }

    /// <summary>A new connection or UDP flow of a layer-4 listener, from <paramref name="client"/> (the real address, after any PROXY header).</summary>
    public PolicyVerdict CheckConnection(IPAddress client)
    {
        for (var i = 0; i < _connectionChecks.Length; i++)
        {
            var verdict = _connectionChecks[i].CheckConnection(client);
            if (!verdict.IsAllowed)
            {
                return Count(verdict);
            }
        }
        _allowed.Increment();
        return PolicyVerdict.Allowed;
    }

    public ValueTask<PolicyVerdict> CheckAsync(RequestState state)
    {
        for (var i = 0; i < _checks.Length; i++)
        {
            var pending = _checks[i].CheckAsync(state);
            if (!pending.IsCompletedSuccessfully)
            {
                return ContinueAsync(state, pending, i);
            }
            var verdict = pending.Result;
            if (!verdict.IsAllowed)
            {
                return new(Count(verdict));
            }
        }
        _allowed.Increment();
        return new(PolicyVerdict.Allowed);
    }

    private async ValueTask<PolicyVerdict> ContinueAsync(RequestState state, ValueTask<PolicyVerdict> pending, int index)
    {
        var verdict = await pending;
        for (var i = index + 1; verdict.IsAllowed && i < _checks.Length; i++)
        {
            verdict = await _checks[i].CheckAsync(state);
        }
        if (verdict.IsAllowed)
        {
            _allowed.Increment();
            return verdict;
        }
        return Count(verdict);
    }

    private PolicyVerdict Count(PolicyVerdict verdict)
    {
        _denied.GetOrAdd(verdict.Reason, static (reason, policy) => new DecisionCounter(policy._telemetry.Decisions(policy.Name, "deny", reason)), this)
            .Increment();
        return verdict;
    }
}
