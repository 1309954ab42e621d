using System.CommandLine;
using System.Globalization;
using Tandem.Core.Config;
using Tandem.Forecasting.History;
using Tandem.Forecasting.Import;
using AccessLogFormat = Tandem.Forecasting.Import.AccessLogFormat;

namespace Tandem.Commands;

/// <summary>
/// <c>tandem forecast import --pool app (--csv FILE | --access-log FILE [--format combined|json]) [--data-dir DIR | --config FILE]</c>:
/// loads existing traffic history into the history store so the planner starts with weeks of data.
/// </summary>
internal static class ForecastImportCommand
{
    public static Command Create()
    {
        var pool = new Option<string>("--pool") { Description = "The pool the history belongs to.", Required = true };
        var csv = new Option<string?>("--csv") { Description = "An hourly CSV: timestamp_utc,requests (an empty count is a gap)." };
        var accessLog = new Option<string?>("--access-log") { Description = "An access log: combined log format (nginx/Apache default) or JSON lines with a time field." };
        var format = new Option<string>("--format")
        {
            Description = "The access log's format: auto (from the first line), combined or json.",
            DefaultValueFactory = _ => "auto",
        };
        format.AcceptOnlyFromAmong("auto", "combined", "json");
        var dataDir = new Option<string?>("--data-dir") { Description = $"The data directory; default the config's forecast.data-dir, else ./{ConfigDefaults.ForecastDataDir}." };
        var config = new Option<string?>("--config", "-c") { Description = "A config file whose forecast.data-dir to use." };
        var command = new Command("import", "Import hourly request counts (CSV) or an access log into the traffic history.")
        {
            pool, csv, accessLog, format, dataDir, config,
        };
        command.SetAction(parse =>
        {
            var csvPath = parse.GetValue(csv);
            var logPath = parse.GetValue(accessLog);
            if ((csvPath is null) == (logPath is null))
            {
                Console.Error.WriteLine("tandem forecast import: give exactly one of --csv FILE or --access-log FILE");
                return ExitCodes.BadUsage;
            }
            var directory = parse.GetValue(dataDir);
            if (directory is null && parse.GetValue(config) is { } configPath)
            {
                var loaded = ConfigLoader.Load(configPath);
                if (!loaded.IsValid)
                {
                    foreach (var problem in loaded.Problems)
                    {
                        Console.Error.WriteLine(problem.ToString());
                    }
                    return ExitCodes.BadConfig;
                }
                directory = loaded.Config!.Forecast?.DataDir;
            }
            directory ??= ConfigDefaults.ForecastDataDir;
            var path = csvPath ?? logPath!;
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"tandem forecast import: {path}: no such file");
                return ExitCodes.BadUsage;
            }
            var report = new ImportReport();
            var series = csvPath is not null
                ? HourlyCsv.ReadTolerantFile(csvPath, report)
                : ReadLog(logPath!, Enum.Parse<AccessLogFormat>(parse.GetValue(format)!, ignoreCase: true), report);
            var hours = new List<(DateTimeOffset, double)>(series.Count);
            for (var i = 0; i < series.Count; i++)
            {
                if (!double.IsNaN(series.Values[i]))
                {
                    hours.Add((series.HourAt(i), series.Values[i]));
                }
            }
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: read {report.LinesRead} lines, skipped {report.LinesSkipped}"));
            foreach (var line in report.Describe())
            {
                Console.Out.WriteLine("  " + line);
            }
            if (hours.Count == 0)
            {
                Console.Error.WriteLine($"tandem forecast import: {path}: no hours to import");
                return ExitCodes.BadUsage;
            }
            var name = parse.GetRequiredValue(pool);
            try
            {
                using var store = HistoryStore.Open(directory);
                store.SetHours(SeriesKey.Pool(name), hours);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"tandem forecast import: cannot write the history in {directory}: {ex.Message}");
                return ExitCodes.RuntimeFailure;
            }
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"imported {hours.Count} hour{(hours.Count == 1 ? "" : "s")} for pool {name} ({series.Start:yyyy-MM-ddTHH:mm}Z to {series.HourAt(series.Count - 1):yyyy-MM-ddTHH:mm}Z, {series.Count - hours.Count} gap hours) into {Path.Combine(directory, HistoryStore.FileName)}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Forecasting.Models.HourlySeries ReadLog(string path, AccessLogFormat format, ImportReport report)
    {
        using var reader = new StreamReader(path);
        return AccessLogImport.Read(reader, format, report);
    }
}
