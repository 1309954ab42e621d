using System.CommandLine;

namespace Tandem.Commands;

/// <summary><c>tandem forecast ...</c>: traffic history, forecasting and scale-ahead tools.</summary>
internal static class ForecastCommand
{
    public static Command Create() => new("forecast", "Traffic history, forecasts and scaling ahead of predicted peaks.")
    {
        ForecastImportCommand.Create(),
        ForecastSimulateCommand.Create(),
    };
}
