using System.CommandLine;
using Tandem.Core.Config;
using Tandem.Proxy.Dns;
using Tandem.Hosting;
using Tandem.Hosting.Handover;

namespace Tandem.Commands;

/// <summary>
/// <c>tandem run --config FILE</c>: serve until SIGINT/SIGTERM, then drain and exit 0. Started while another node runs
/// with the same config, it takes over that node's listening sockets, and the other node drains and exits.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var noWarmup = new Option<bool>("--no-warmup")
        {
            Description = "Do not run the request path on loopback after start (for up to 3 s, until the first real request) to have the JIT optimize it.",
        };
        var controlSocket = new Option<string?>("--control-socket")
        {
            Description = "The unix socket where a new 'tandem run' takes over this node's listening sockets ('off' for none). "
                + "Default: named after the config file, in $RUNTIME_DIRECTORY, $XDG_RUNTIME_DIR/tandem, /run/tandem (root) or /tmp/tandem-USER.",
        };
        var command = new Command("run", "Run the balancer from a YAML config file until SIGINT or SIGTERM; the file is reloaded when it changes.")
        {
            config, noWarmup, controlSocket,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetRequiredValue(config);
            var result = await BackendNameCheck.CheckAsync(ConfigLoader.Load(path), cancellationToken);
            if (!result.IsValid)
            {
                foreach (var problem in result.Problems)
                {
                    Console.Error.WriteLine(problem.ToString());
                }
                return ExitCodes.BadConfig;
            }
            foreach (var warning in result.Warnings)
            {
                // As validate prints them: allowed, but probably not meant (a plain admin listener off loopback).
                Console.Error.WriteLine("warning: " + warning);
            }
            var fullPath = Path.GetFullPath(path);
            var control = parse.GetValue(controlSocket) switch
            {
                null or "" => ControlSocket.DefaultPath(fullPath),
                "off" => null,
                var given => Path.GetFullPath(given),
            };
            var options = new NodeOptions
            {
                WarmupBudget = parse.GetValue(noWarmup) ? null : TimeSpan.FromSeconds(3),
                ControlSocket = OperatingSystem.IsWindows() ? null : control,
            };
            return await NodeRunner.RunAsync(result.Config!, fullPath, options, onStarted: null, cancellationToken);
        });
        return command;
    }
}
