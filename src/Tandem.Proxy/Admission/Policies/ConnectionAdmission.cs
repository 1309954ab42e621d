using System.Net;
using Microsoft.Extensions.Logging;
using Tandem.Proxy.Diagnostics;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// The admit stage of a layer-4 listener (tcp, tls-passthrough, udp): asks each of its policies in turn (all must
/// allow) when a connection or UDP flow opens, with the real client address (after a trusted PROXY header). A refusal
/// is counted by the policy, logged at debug level (one line a second at most) and reported to the caller, which
/// closes the connection or drops the datagram. Built once per config; immutable.
/// </summary>
internal sealed class ConnectionAdmission(string listener, CompiledPolicy[] policies, LogThrottle throttle, ILogger logger)
{
    public IReadOnlyList<CompiledPolicy> Policies => policies;

    /// <summary>Whether <paramref name="client"/> may open a connection; else the refusing policy and its verdict.</summary>
    public bool Admit(IPEndPoint client, out string? policy, out PolicyVerdict verdict)
    {
        var address = ClientAddressResolver.Normalize(client.Address);
        for (var i = 0; i < policies.Length; i++)
        {
            verdict = policies[i].CheckConnection(address);
            if (!verdict.IsAllowed)
            {
                policy = policies[i].Name;
                if (logger.IsEnabled(LogLevel.Debug) && throttle.TryAcquire(out var suppressed))
                {
#pragma warning disable CA1873 // guarded by IsEnabled above
                    PolicyLog.ConnectionRefused(logger, policy, listener, address.ToString(), verdict.Reason, suppressed);
#pragma warning restore CA1873
                }
                return false;
            }
        }
        policy = null;
        verdict = PolicyVerdict.Allowed;
        return true;
    }
}
