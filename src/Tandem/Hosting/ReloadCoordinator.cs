using System.Net;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Observability.Admin;
using Tandem.Observability.Alerts;
using Tandem.Observability.Metrics;
using Tandem.Proxy;
using Tandem.Proxy.Dns;
using Tandem.Proxy.Listeners;

namespace Tandem.Hosting;

/// <summary>
/// Applies a changed config to a running node, whoever noticed it (the file watcher, SIGHUP, the pair's config sync):
/// checks it (server names included), moves the data plane over, then the parts that follow the config. A bad config
/// is refused with the same messages as <c>validate</c>, and the running one keeps serving.
/// </summary>
internal sealed class ReloadCoordinator(ProxyRuntime runtime, NodeStatus status, TandemMetrics metrics, AdminAccess access, AlertingService alerting,
    LogLevels? logLevels, IPEndPoint adminEndPoint, ILogger logger, CancellationToken stopping)
{
    /// <summary>Raised after a config was applied (the pair offers it to its peer).</summary>
    public event Action? Applied;

    /// <summary>Validates and applies <paramref name="loaded"/>; false when it was refused.</summary>
    public async Task<bool> ApplyAsync(ConfigLoadResult loaded)
    {
        SystemdNotify.Reloading();
        try
        {
            return await ReloadAsync(loaded);
        }
        finally
        {
            SystemdNotify.Ready($"serving config version {status.Config?.Version}");
        }
    }

    private async Task<bool> ReloadAsync(ConfigLoadResult loaded)
    {
        var current = status.Config!;
        loaded = await BackendNameCheck.CheckAsync(loaded, stopping);
        if (!loaded.IsValid)
        {
            var lines = new List<string>(loaded.Problems.Count);
            foreach (var problem in loaded.Problems)
            {
                lines.Add(problem.ToString());
                HostLog.ReloadProblem(logger, problem.ToString());
            }
            Reject(null, lines, current);
            return false;
        }

        var next = loaded.Config!;
        try
        {
            await runtime.ApplyAsync(next, stopping);
        }
        catch (ListenerStartException ex)
        {
            HostLog.ReloadProblem(logger, ex.Message);
            Reject(next.Version, [ex.Message], current);
            return false;
        }
        ApplyLogging(current, next);
        try
        {
            access.Reload(next.Admin);
        }
        catch (InvalidOperationException ex)
        {
            // Validation read the file a moment ago; if it went away since, the old token stays in force.
            HostLog.ReloadProblem(logger, ex.Message);
        }
        status.Applied(next, runtime.Listeners);
        await alerting.ConfigureAsync(next);
        metrics.ReloadApplied();
        HostLog.Reloaded(logger, next.Version, current.Version);
        Applied?.Invoke();
        return true;
    }

    private void Reject(string? version, List<string> lines, TandemConfig current)
    {
        HostLog.ReloadRejected(logger, lines.Count, current.Version);
        status.Rejected(version, lines);
        metrics.ReloadRejected();
    }

    /// <summary>Applies the new log levels; sections read only at start are logged as waiting for a restart.</summary>
    private void ApplyLogging(TandemConfig current, TandemConfig next)
    {
        if ((next.Admin?.Bind ?? ConfigDefaults.AdminBind) != (current.Admin?.Bind ?? ConfigDefaults.AdminBind))
        {
            HostLog.AdminBindNeedsRestart(logger, adminEndPoint);
        }
        if (!ListenerTlsConfig.Same(current.Admin?.Tls, next.Admin?.Tls))
        {
            HostLog.AdminTlsNeedsRestart(logger, current.Admin?.Tls is null ? "plain HTTP" : "HTTPS");
        }
        if (next.AccessLog != current.AccessLog)
        {
            ObservabilityLog.NeedsRestart(logger, "access-log");
        }
        logLevels?.Apply(next.Logging);
        if (next.Logging?.Format != current.Logging?.Format)
        {
            ObservabilityLog.NeedsRestart(logger, "logging.format");
        }
        if (next.Metrics != current.Metrics)
        {
            ObservabilityLog.NeedsRestart(logger, "metrics");
        }
    }
}
