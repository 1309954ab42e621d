using System.CommandLine;

namespace Tandem.Commands;

/// <summary>
/// <c>tandem forecast ...</c>: traffic forecasting tools. One subcommand per file (<c>Forecast*Command.cs</c>), each
/// with a static <c>Create()</c>; add new subcommands to the list below.
/// </summary>
internal static class ForecastCommand
{
    public static Command Create() => new("forecast", "Traffic forecasting: backtest the models, import history, simulate scaling ahead.")
    {
        ForecastBacktestCommand.Create(),
        ForecastImportCommand.Create(),
        ForecastSimulateCommand.Create(),
    };
}
