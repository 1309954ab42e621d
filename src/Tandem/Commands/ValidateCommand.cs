using System.CommandLine;
using System.Globalization;
using Tandem.Core.Config;

namespace Tandem.Commands;

/// <summary><c>tandem validate --config FILE</c>: exit 0 and a summary when valid (with warnings, such as a route that can never match, on stderr), exit 2 and one line per problem when not.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var command = new Command("validate", "Check a config file and report every problem with its line, column and key path.") { config };
        command.SetAction(parse =>
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
            foreach (var warning in result.Warnings)
            {
                Console.Error.WriteLine("warning: " + warning);
            }
            Console.Out.WriteLine(Summary(path, result.Config!));
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string Summary(string path, TandemConfig config)
    {
        var servers = 0;
        foreach (var pool in config.Pools)
        {
            servers += pool.Servers.Count;
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{path}: valid: {Plural(config.Listeners.Count, "listener")}, {Plural(config.Pools.Count, "pool")}, {Plural(servers, "server")} (version {config.Version})");
    }

    private static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");
}
