namespace Tandem.Forecasting.Planning;

/// <summary>What a per-minute replay compares.</summary>
/// <param name="Capacity">Requests/s one server takes.</param>
/// <param name="Servers">Servers always in rotation.</param>
/// <param name="MaxServers">Servers at most.</param>
/// <param name="LeadMinutes">Minutes from a scale-out decision until the new server serves.</param>
/// <param name="Thresholds">The shares of capacity each plan is run at.</param>
/// <param name="Holds">The scale-in delays each plan is run at, in minutes: a plan scales in only after this many
/// minutes in a row below the smaller set's capacity. One point of each frontier per threshold and hold.</param>
public sealed record MinuteSimulationOptions(double Capacity, int Servers, int MaxServers, int LeadMinutes, IReadOnlyList<double> Thresholds, IReadOnlyList<int> Holds);

/// <summary>One plan at one threshold and scale-in hold (in steps): overloaded steps and extra server-steps (above the base count).</summary>
public sealed record FrontierPoint(double Threshold, int Extra, int Overloaded, int Hold = ScalePolicy.ScaleInRounds);

/// <summary>The per-minute replay's outcome: the static base and, per threshold, each plan.</summary>
/// <param name="Minutes">Minutes replayed (gaps excluded).</param>
/// <param name="StaticOverloaded">Minutes the base servers alone would be overloaded.</param>
/// <param name="Forecast">The forecast-driven plan per threshold.</param>
/// <param name="Reactive">The reactive plan per threshold.</param>
public sealed record MinuteSimulationResult(int Minutes, int StaticOverloaded, IReadOnlyList<FrontierPoint> Forecast, IReadOnlyList<FrontierPoint> Reactive);

/// <summary>
/// Replays minutes and compares two plans that pay for a server from the minute they ask for it and get it
/// <see cref="MinuteSimulationOptions.LeadMinutes"/> later (a boot), and drop one at once:
/// <list type="bullet">
/// <item>forecast-driven: each minute asks <see cref="ScalePolicy"/> for the highest upper bound of the next lead
/// minutes (<see cref="MinuteForecasts.Peak"/>), or the last complete minute's load when that is higher (as the node's
/// planner never plans below the recent rate);</item>
/// <item>reactive: each minute asks it for the last complete minute's load.</item>
/// </list>
/// Serving at minute t are the servers asked for over all of t-lead..t (the least count over that window). Both
/// scale in only after a hold of minutes in a row below the smaller set's capacity (an autoscaler's stabilization
/// window). Each plan runs at every threshold and hold, so each frontier is the plan at its best settings: a
/// reactive plan that holds servers for half an hour is much stronger than one that drops them after a minute.
/// A minute is overloaded when its requests exceed the serving servers x capacity x 60.
/// </summary>
public static class MinuteSimulation
{
    public static MinuteSimulationResult Run(double[] load, MinuteForecasts outlook, MinuteSimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(outlook);
        ArgumentNullException.ThrowIfNull(options);
        var from = outlook.From;
        var count = outlook.Peak.Length;
        var perMinute = options.Capacity * 60;
        int minutes = 0, staticOverloaded = 0;
        for (var t = from; t < from + count; t++)
        {
            if (!double.IsNaN(load[t]))
            {
                minutes++;
                staticOverloaded += load[t] > options.Servers * perMinute ? 1 : 0;
            }
        }
        var forecast = new List<FrontierPoint>();
        var reactive = new List<FrontierPoint>();
        foreach (var hold in options.Holds)
        {
            foreach (var threshold in options.Thresholds)
            {
                forecast.Add(Point(threshold, hold, load, Servers(load, outlook, options, threshold, hold, reactive: false), from, options));
                reactive.Add(Point(threshold, hold, load, Servers(load, outlook, options, threshold, hold, reactive: true), from, options));
            }
        }
        return new MinuteSimulationResult(minutes, staticOverloaded, forecast, reactive);
    }

    /// <summary>Per replayed minute, the servers the plan asked for and the servers serving, at one threshold and hold.</summary>
    public static (int[] Asked, int[] Serving) Servers(double[] load, MinuteForecasts outlook, MinuteSimulationOptions options, double threshold, int hold, bool reactive)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(outlook);
        ArgumentNullException.ThrowIfNull(options);
        var lead = options.LeadMinutes;
        var policy = new ScalePolicy(options.Capacity, threshold, options.Servers, options.MaxServers, Math.Max(1, hold));
        var count = outlook.Peak.Length;
        var asked = new int[count];
        var serving = new int[count];
        for (var i = 0; i < count; i++)
        {
            var t = outlook.From + i;
            var last = t > 0 ? load[t - 1] : double.NaN;
            // The forecast plan sees what the reactive one sees too: a burst already under way shows only in the last
            // minute, and it outlasts a boot often enough that planning below it loses minutes reacting would not.
            var seen = reactive ? last : double.IsNaN(last) ? outlook.Peak[i] : Math.Max(outlook.Peak[i], last);
            asked[i] = policy.Decide(seen / 60);
            var least = asked[i];
            for (var back = 1; back <= lead; back++)
            {
                // Before the replay the plan had its base servers.
                least = Math.Min(least, i - back >= 0 ? asked[i - back] : options.Servers);
            }
            serving[i] = least;
        }
        return (asked, serving);
    }

    private static FrontierPoint Point(double threshold, int hold, double[] load, (int[] Asked, int[] Serving) plan, int from, MinuteSimulationOptions options)
    {
        int extra = 0, overloaded = 0;
        for (var i = 0; i < plan.Asked.Length; i++)
        {
            var minute = load[from + i];
            if (double.IsNaN(minute))
            {
                continue;
            }
            extra += plan.Asked[i] - options.Servers;
            overloaded += minute > plan.Serving[i] * options.Capacity * 60 ? 1 : 0;
        }
        return new FrontierPoint(threshold, extra, overloaded, hold);
    }
}
