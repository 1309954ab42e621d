using System.CommandLine;
using Tandem.Core.Config;
using Tandem.Observability.Alerts;

namespace Tandem.Commands;

/// <summary>
/// <c>tandem alerts export-rules [--config FILE] [--output FILE]</c>: Tandem's alert rules (the config's, or the
/// defaults) as a Prometheus alerting rules file, on stdout or into a file.
/// </summary>
internal static class AlertsCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c") { Description = "The YAML config file whose alerts.rules to export; the default rules without it." };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout." };
        var export = new Command("export-rules", "Write the alert rules as Prometheus alerting rules YAML.") { config, output };
        export.SetAction(parse =>
        {
            var rules = AlertDefaults.Rules;
            if (parse.GetValue(config) is { } path)
            {
                var result = ConfigLoader.Load(path);
                if (!result.IsValid)
                {
                    foreach (var problem in result.Problems)
                    {
                        Console.Error.WriteLine(problem.ToString());
                    }
                    return ExitCodes.BadConfig;
                }
                rules = result.Config!.Alerts?.Rules ?? AlertDefaults.Rules;
            }
            var yaml = PrometheusRules.Export(rules);
            if (parse.GetValue(output) is { } file)
            {
                try
                {
                    File.WriteAllText(file, yaml);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"tandem: cannot write {file}: {ex.Message}");
                    return ExitCodes.RuntimeFailure;
                }
            }
            else
            {
                Console.Out.Write(yaml);
            }
            return ExitCodes.Ok;
        });
        return new Command("alerts", "Alert rules: export them for Prometheus.") { export };
    }
}
