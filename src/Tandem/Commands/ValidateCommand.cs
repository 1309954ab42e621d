using System.CommandLine;
using System.Globalization;
using Tandem.Core.Config;
using Tandem.Proxy.Dns;
using Tandem.Core.Config.Policies;

namespace Tandem.Commands;

/// <summary><c>tandem validate --config FILE</c>: exit 0 and a summary when valid (with warnings, such as a route that can never match, on stderr), exit 2 and one line per problem when not.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var command = new Command("validate", "Check a config file and report every problem with its line, column and key path.") { config };
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
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{path}: valid: {Plural(config.Listeners.Count, "listener")}, {Plural(config.Pools.Count, "pool")}, {Plural(servers, "server")} (version {config.Version})");
        return config.DefaultPolicy == DefaultPolicy.Deny ? summary + Closed(config) : summary;
    }

    /// <summary>Under <c>default-policy: deny</c>, which listeners refuse everything because they name no policy: the perimeter made explicit.</summary>
    private static string Closed(TandemConfig config)
    {
        var closed = new List<string>();
        foreach (var listener in config.Listeners)
        {
            if (listener.Policy is not { Count: > 0 })
            {
                closed.Add(listener.Name);
            }
        }
        return closed.Count == 0 ? "; default-policy deny: every listener names a policy" : "; default-policy deny closes: " + string.Join(", ", closed);
    }

    private static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");
}
