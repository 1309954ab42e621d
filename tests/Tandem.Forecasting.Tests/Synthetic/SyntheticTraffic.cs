using System.Globalization;
using System.Text;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Tests.Synthetic;

/// <summary>
/// A second check series for the forecaster and the planner, unlike NASA on purpose: 70 days per minute from a Monday,
/// UTC-5 local time, an afternoon peak with a smaller morning one, quiet weekends, a slow upward trend, two holidays
/// (one in the test days), a peak that moves 2 hours earlier from day 45, a "tournament" (the level triples over
/// days 50-53 and collapses on day 60, inside the test days), random one-hour bursts, minute-level bursty noise and
/// a 10-hour gap on day 20. Seeded: the same seed gives the same counts. With <c>dailyEvent</c>, every weekday
/// has a scheduled surge instead of the tournament (a live stream, a sale): five times the traffic from 19:00 local
/// for 45 minutes, reached within 2 minutes; the shape where scaling ahead should pay.
/// </summary>
internal static class SyntheticTraffic
{
    public const int Days = 70;
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    public static MinuteSeries Minutes(int seed = 21, bool dailyEvent = false, int days = Days)
    {
        var random = new Random(seed);
        var values = new double[days * 1440];
        var burstHours = new HashSet<int>();
        for (var hour = 0; hour < days * 24; hour++)
        {
            if (random.NextDouble() < 0.006)
            {
                burstHours.Add(hour);
            }
        }
        var noise = 0.0;
        for (var m = 0; m < values.Length; m++)
        {
            var rate = Rate(m / 60.0, tournament: !dailyEvent) * (burstHours.Contains(m / 60) ? 2.5 : 1) * (dailyEvent ? Event(m) : 1);
            // AR(1) log-noise: bursts that last a few minutes, as crawlers and retries make.
            noise = (0.9 * noise) + (0.12 * Normal(random));
            values[m] = Poisson(random, rate / 60 * Math.Exp(noise - 0.036));
        }
        for (var m = (20 * 1440) + (6 * 60); m < (20 * 1440) + (16 * 60); m++)
        {
            values[m] = double.NaN;
        }
        return new MinuteSeries(Start, values);
    }

    /// <summary>The expected requests per hour at <paramref name="hours"/> hours after <see cref="Start"/>.</summary>
    public static double Rate(double hours, bool tournament = true)
    {
        var day = (int)(hours / 24);
        var local = ((hours - 5) % 24 + 24) % 24;
        var peak = day >= 45 ? 13.0 : 15.0;
        var afternoon = Math.Exp(-Math.Pow((local - peak) / (local < peak ? 3.5 : 5.0), 2));
        var morning = 0.35 * Math.Exp(-Math.Pow((local - 9) / 1.5, 2));
        var profile = 0.15 + afternoon + morning;
        var weekday = (int)((hours - 5) / 24) % 7;
        var week = weekday switch { 5 => 0.6, 6 => 0.5, _ => 1.0 };
        if (day is 30 or 65)
        {
            week = 0.5;
        }
        var trend = 1 + (0.004 * hours / 24);
        var level = !tournament ? 1.0 : (hours / 24) switch
        {
            < 50 => 1.0,
            < 53 => 1 + (2 * ((hours / 24) - 50) / 3),
            < 60 => 3.0,
            _ => 0.9,
        };
        return 3000 * profile * week * trend * level;
    }

    /// <summary>The scheduled surge's factor at minute <paramref name="m"/>: weekdays 19:00-19:45 local (00:00-00:45 UTC the next day).</summary>
    private static double Event(int m)
    {
        var local = m - (5 * 60);
        var weekday = ((local / 1440) % 7 + 7) % 7;
        var minute = ((local % 1440) + 1440) % 1440;
        var into = minute - (19 * 60);
        if (local < 0 || weekday >= 5 || into < 0 || into >= 45)
        {
            return 1;
        }
        return 1 + (4 * Math.Min(1, (into + 1) / 2.0));
    }

    public static string Csv(double[] values, DateTimeOffset start, TimeSpan step)
    {
        var text = new StringBuilder("timestamp_utc,requests\n");
        for (var i = 0; i < values.Length; i++)
        {
            var count = double.IsNaN(values[i]) ? "" : values[i].ToString("0", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{(start + (step * i)):yyyy-MM-ddTHH:mm:ss}Z,{count}\n");
        }
        return text.ToString();
    }

    private static double Normal(Random random)
    {
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    private static double Poisson(Random random, double mean)
    {
        if (mean > 30)
        {
            return Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * Normal(random))));
        }
        var limit = Math.Exp(-mean);
        var product = random.NextDouble();
        var count = 0;
        while (product > limit)
        {
            product *= random.NextDouble();
            count++;
        }
        return count;
    }
}
