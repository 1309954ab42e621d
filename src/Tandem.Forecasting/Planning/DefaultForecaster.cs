using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Planning;

/// <summary>The forecaster the planner, the admin API and <c>tandem forecast simulate</c> use: the one line to change when the trained models come in.</summary>
public static class DefaultForecaster
{
    public static IForecaster Create() => new SeasonalNaiveForecaster();
}
