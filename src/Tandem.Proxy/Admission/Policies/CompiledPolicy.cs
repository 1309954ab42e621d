using System.Collections.Concurrent;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// One named policy, compiled: its checks in the order they run (address, certificate, credentials, rate limit), the
/// first refusal wins. Counts each decision under its reason. Kept across reloads while the policy's settings do not
/// change, so rate-limit buckets and key caches survive an unrelated edit. Concurrency: any number of requests.
/// </summary>
internal sealed class CompiledPolicy
{
    private readonly PolicyCheck[] _checks;
    private readonly IPolicyTelemetry _telemetry;
    private readonly IPolicyCounter _allowed;
    private readonly ConcurrentDictionary<string, IPolicyCounter> _denied = new(StringComparer.Ordinal);

    public CompiledPolicy(string name, string signature, PolicyCheck[] checks, IPolicyTelemetry telemetry)
    {
        Name = name;
        Signature = signature;
        _checks = checks;
        _telemetry = telemetry;
        _allowed = telemetry.Decisions(name, "allow", "ok");
    }

    public string Name { get; }

    public string Signature { get; }

    public IReadOnlyList<PolicyCheck> Checks => _checks;

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
        _denied.GetOrAdd(verdict.Reason, static (reason, policy) => policy._telemetry.Decisions(policy.Name, "deny", reason), this).Increment();
        return verdict;
    }
}
