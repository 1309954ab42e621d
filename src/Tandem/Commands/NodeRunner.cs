using Tandem.Core.Config;
using Tandem.Hosting;

namespace Tandem.Commands;

/// <summary>Starts a node, waits for a stop signal, drains, and turns the outcome into an exit code.</summary>
internal static class NodeRunner
{
    public static async Task<int> RunAsync(TandemConfig config, string? configPath, NodeOptions options, Action<TandemNode>? onStarted, CancellationToken cancellationToken)
    {
        TandemNode node;
        try
        {
            node = await TandemNode.StartAsync(config, configPath, options, cancellationToken);
        }
        catch (NodeStartException ex)
        {
            Console.Error.WriteLine("tandem: " + ex.Message);
            return ExitCodes.RuntimeFailure;
        }

        await using (node)
        {
            onStarted?.Invoke(node);
            var stopped = new TaskCompletionSource();
            using (node.Stopping.Register(() => stopped.TrySetResult()))
            using (cancellationToken.Register(() => stopped.TrySetResult()))
            {
                await stopped.Task;
            }
            var logger = node.Logger;
            HostLog.Draining(logger, config.DrainTimeout ?? ConfigDefaults.DrainTimeout);
            var drained = await node.StopAsync();
            HostLog.Stopped(logger, drained ? "" : " (some requests were cut off at the drain timeout)");
        }
        return ExitCodes.Ok;
    }
}
