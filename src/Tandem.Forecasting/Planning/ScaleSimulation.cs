using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Planning;

/// <summary>What <c>tandem forecast simulate</c> replays.</summary>
/// <param name="Capacity">Requests/s one server takes.</param>
/// <param name="Servers">Servers always in rotation.</param>
/// <param name="MaxServers">Servers at most.</param>
/// <param name="Lead">How long a scale-out takes to be effective for the forecast-driven plan (it decides this far ahead).</param>
/// <param name="Threshold">The share of capacity to plan for.</param>
/// <param name="TestDays">The replayed days, at the end of the series.</param>
/// <param name="ReactiveDelay">Hours from the hour whose load the reactive plan reacts to until its servers serve: 1 (the next hour, the
/// most favourable reading at hourly resolution) or more.</param>
public sealed record SimulationOptions(double Capacity, int Servers, int MaxServers, TimeSpan Lead, double Threshold, int TestDays, int ReactiveDelay = 1);

/// <summary>How one plan did over the replayed hours.</summary>
/// <param name="OverloadedHours">Hours whose load exceeded the servers in rotation x capacity.</param>
/// <param name="ExtraServerHours">Server-hours above the base count.</param>
/// <param name="ScaleOuts">Times the plan added servers.</param>
/// <param name="PeakServers">The most servers the plan had at once.</param>
public sealed record PlanResult(int OverloadedHours, int ExtraServerHours, int ScaleOuts, int PeakServers);

/// <summary>The replay's outcome: the static base, the forecast-driven plan and the reactive one.</summary>
public sealed record SimulationResult(SimulationOptions Options, int TestHours, DateTimeOffset From, PlanResult Static, PlanResult Forecast, PlanResult Reactive);

/// <summary>
/// Replays an hourly series over its last <see cref="SimulationOptions.TestDays"/> days, hour by hour, and compares
/// how many hours two scaling plans leave overloaded and how many server-hours they add:
/// <list type="bullet">
/// <item>forecast-driven: for hour t it must decide <c>lead</c> before t, when the last complete hour is
/// <c>t - 1 - ceil(lead / 1h)</c>; it asks the forecaster from there and plans for the forecast's upper bound
/// (never below the last complete hour's load);</item>
/// <item>reactive: scales when the load of an hour crosses the threshold, and the servers it adds serve from the next
/// hour (a scale-out takes time; at hourly resolution this is the soonest it can act, which favours it; a larger
/// <see cref="SimulationOptions.ReactiveDelay"/> makes it later).</item>
/// </list>
/// Both use <see cref="ScalePolicy"/> (out at once, in with hysteresis). Gap hours are neither counted nor used.
/// </summary>
public static class ScaleSimulation
{
    public static SimulationResult Run(HourlySeries series, SimulationOptions options, IForecaster forecaster)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(forecaster);
        var values = series.Values;
        var testHours = options.TestDays * 24;
        var start = values.Length - testHours;
        var ahead = (int)Math.Ceiling(options.Lead.TotalHours);
        if (start - Math.Max(1 + ahead, options.ReactiveDelay) < 24)
        {
            throw new ArgumentException($"the series has {values.Length} hours; {options.TestDays} test days need at least {testHours + ahead + 25}");
        }
        var forecastPolicy = new ScalePolicy(options.Capacity, options.Threshold, options.Servers, options.MaxServers);
        var reactivePolicy = new ScalePolicy(options.Capacity, options.Threshold, options.Servers, options.MaxServers);
        var staticPlan = new Tally();
        var forecastPlan = new Tally();
        var reactivePlan = new Tally();
        for (var t = start; t < values.Length; t++)
        {
            var origin = t - 1 - ahead;
            var prefix = new HourlySeries(series.Start, values[..(origin + 1)]);
            var forecasts = forecaster.Forecast(prefix, t - origin);
            var upper = forecasts.Count > 0 ? forecasts[^1].Upper / 3600 : double.NaN;
            var known = values[origin] / 3600;
            var peak = double.IsNaN(upper) ? known : double.IsNaN(known) ? upper : Math.Max(upper, known);
            var forecastServers = forecastPolicy.Decide(peak);
            var reactiveServers = reactivePolicy.Decide(values[t - options.ReactiveDelay] / 3600);

            var load = values[t] / 3600;
            if (double.IsNaN(load))
            {
                continue;
            }
            staticPlan.Add(load, options.Servers, options);
            forecastPlan.Add(load, forecastServers, options);
            reactivePlan.Add(load, reactiveServers, options);
        }
        return new SimulationResult(options, testHours, series.HourAt(start), staticPlan.Result(), forecastPlan.Result(), reactivePlan.Result());
    }

    private sealed class Tally
    {
        private int _overloaded;
        private int _extra;
        private int _scaleOuts;
        private int _peak;
        private int _previous = -1;

        public void Add(double load, int servers, SimulationOptions options)
        {
            _overloaded += load > servers * options.Capacity ? 1 : 0;
            _extra += servers - options.Servers;
            _scaleOuts += _previous >= 0 && servers > _previous ? 1 : 0;
            _peak = Math.Max(_peak, servers);
            _previous = servers;
        }

        public PlanResult Result() => new(_overloaded, _extra, _scaleOuts, _peak);
    }
}
