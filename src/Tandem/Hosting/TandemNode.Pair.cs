using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Observability.Metrics;
using Tandem.Pair;
using Tandem.Pair.Vip;

namespace Tandem.Hosting;

internal sealed partial class TandemNode
{
    /// <summary>The pair channel, then the VIP (both only with a <c>pair</c> section); a failure fails the start.</summary>
    private async Task StartPairAsync(TandemConfig config, string? configPath, OperatorChanges changes, PairMetrics pairMetrics, NodeOptions options,
        ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (config.Pair is not { } pair)
        {
            return;
        }
        PairService pairService;
        try
        {
            pairService = Pair = await PairService.StartAsync(new PairServiceOptions
            {
                Config = pair,
                Pools = Pools,
                Changes = changes,
                RateLimits = Runtime.RateLimits,
                CachePurges = Runtime.CachePurges,
                AcmeSharing = Runtime.AcmeSharing,
                Health = PairHealth,
                ConfigPath = configPath,
                ApplyConfig = Reloads.ApplyAsync,
                CountMessage = pairMetrics.Message,
                Time = options.Time,
                LoggerFactory = loggerFactory,
            }, cancellationToken);
        }
        catch (PairStartException ex)
        {
            throw new NodeStartException(ex.Message, ex);
        }
        Reloads.Applied += pairService.ConfigApplied;
        if (pair.Vip is null || OperatingSystem.IsWindows())
        {
            return;
        }
        // After the listeners are up: keepalived may give this node the VIP at once, but not before the pair has
        // caught up with its peer (no preemption until synced).
        var pools = Pools;
        var vip = Vip = new VipService(pair, () => VipHealth.HasHealthyServer(pools), options.Time, loggerFactory);
        vip.SetReady(pairService.IsSynced);
        pairService.Synced += () => vip.SetReady(true);
        var vrrp = vip.State;
        var health = PairHealth;
        vrrp.Changed += e =>
        {
            pairService.SetVipState(vrrp.Role, vrrp.Role == PairRole.Master ? pair.Node : null);
            health.Raise(e);
        };
        try
        {
            await vip.StartAsync();
        }
        catch (VipStartException ex)
        {
            throw new NodeStartException(ex.Message, ex);
        }
    }
}
