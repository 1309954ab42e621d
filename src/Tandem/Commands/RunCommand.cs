using System.CommandLine;
using Tandem.Core.Config;
using Tandem.Hosting;

namespace Tandem.Commands;

/// <summary><c>tandem run --config FILE</c>: serve until SIGINT/SIGTERM, then drain and exit 0.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var noWarmup = new Option<bool>("--no-warmup")
        {
            Description = "Start serving at once instead of first running the request path on loopback for up to 3 s until the JIT has optimized it.",
        };
        var command = new Command("run", "Run the balancer from a YAML config file until SIGINT or SIGTERM; the file is reloaded when it changes.") { config, noWarmup };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetRequiredValue(config);
            var result = ConfigLoader.Load(path);
            if (!result.IsValid)
            {
                foreach (var problem in result.Problems)
                {
                    Console.Error.WriteLine(problem.ToString());
                }
                return ExitCodes.BadConfig;
            }
            var options = new NodeOptions { WarmupBudget = parse.GetValue(noWarmup) ? null : TimeSpan.FromSeconds(3) };
            return await NodeRunner.RunAsync(result.Config!, Path.GetFullPath(path), options, onStarted: null, cancellationToken);
        });
        return command;
    }
}
