using System.CommandLine;
using Tandem.Commands;
using Tandem.Proxy.Listeners.Transport;

namespace Tandem;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Before anything opens a socket: the runtime reads these settings once.
        IoScheduling.Configure();
        var root = new RootCommand("Tandem: an HTTP load balancer for two servers (or a handful).")
        {
            DemoCommand.Create(),
            ForecastCommand.Create(),
            RunCommand.Create(),
            ValidateCommand.Create(),
            AlertsCommand.Create(),
            PairCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync("tandem: " + error.Message);
            }
            await Console.Error.WriteLineAsync("Run 'tandem --help' for usage.");
            return ExitCodes.BadUsage;
        }
        // No termination handling by System.CommandLine: by default it cancels the action on SIGINT/SIGTERM and kills
        // the process (exit 143) 2 s later, cutting off the drain. The node's host lifetime handles the signals instead.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
