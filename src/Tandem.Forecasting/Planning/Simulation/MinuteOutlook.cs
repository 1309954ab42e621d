using Tandem.Forecasting.Backtest;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Planning;

/// <summary>
/// What a forecast-driven plan sees each minute when scaling per minute: the highest upper bound (p90 by default) of
/// the requests per minute over the next <c>lead</c> minutes, made from the minutes before. The hourly forecaster
/// gives the day's shape: a curve through its forecasts of the last two and the next two hours (each made when it
/// could have been), times the shape of the hour's minutes over the last week (<see cref="MinuteShape"/>). The last
/// <see cref="RecentMinutes"/> minutes set the level along that curve (their count over the curve's), so the plan
/// follows today's traffic and anticipates its rise and fall.
/// The bound is calibrated on the outlook's own residuals: the <see cref="Quantile"/> of log1p(actual / forecast)
/// at the lead over the last week of minutes, among the busier half (capacity binds there, and a quiet minute's
/// relative noise is larger), recomputed hourly.
/// </summary>
public sealed class MinuteOutlook
{
    /// <summary>Minutes whose counts set the level. Default 30.</summary>
    public int RecentMinutes { get; init; } = 30;

    /// <summary>Residual minutes that calibrate the upper bound (a week).</summary>
    public const int CalibrationMinutes = 7 * 1440;

    private const int MinResiduals = 120;

    /// <summary>Shape the hourly curve by the minutes of the hour (<see cref="MinuteShape"/>). Default true.</summary>
    public bool UseShape { get; init; } = true;

    /// <summary>The upper quantile planned on. Default 0.9.</summary>
    public double Quantile { get; init; } = 0.9;

    /// <summary>
    /// Computes, for each minute t in <c>[from, to)</c> of <paramref name="minutes"/>, the point forecast and the upper
    /// bound of minutes t..t+<paramref name="lead"/> from the minutes before t. <paramref name="forecasterAt"/> gives
    /// the hourly forecaster a node has at an hour (index into <paramref name="hours"/>: trained on hours before it).
    /// </summary>
    public MinuteForecasts Run(MinuteSeries minutes, HourlySeries hours, int hourOffset, int from, int to, int lead, Func<int, IForecaster> forecasterAt)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        ArgumentNullException.ThrowIfNull(hours);
        ArgumentNullException.ThrowIfNull(forecasterAt);
        var values = minutes.Values;
        var point = new double[to - from];
        var upper = new double[to - from];
        var peak = new double[to - from];
        // made[s - from]: the point forecast made at minute s for minute s + lead, to score when that minute is known.
        var made = new double[to - from];
        var curve = new ExpectedCurve(hours, hourOffset, UseShape ? new MinuteShape(values) : null);
        var band = 0.0;
        for (var t = from; t < to; t++)
        {
            var hour = (t - hourOffset) / 60;
            if (curve.Hour != hour)
            {
                curve.MoveTo(hour, forecasterAt(hour));
                band = Band(values, made, from, t, lead);
            }
            var level = Level(values, curve, t);
            var max = 0.0;
            for (var k = 0; k <= lead; k++)
            {
                var expected = level * curve.At(t + k);
                max = Math.Max(max, Math.Exp(Math.Log(1 + expected) + band) - 1);
                if (k == lead)
                {
                    made[t - from] = expected;
                }
            }
            point[t - from] = level * curve.At(t + lead);
            upper[t - from] = Math.Exp(Math.Log(1 + point[t - from]) + band) - 1;
            peak[t - from] = max;
        }
        return new MinuteForecasts(from, lead, point, upper, peak);
    }

    /// <summary>The recent minutes' count over the curve's (1 when there is nothing to compare).</summary>
    private double Level(double[] values, ExpectedCurve curve, int t)
    {
        double actual = 0, expected = 0;
        for (var m = Math.Max(0, t - RecentMinutes); m < t; m++)
        {
            if (!double.IsNaN(values[m]))
            {
                actual += values[m];
                expected += curve.At(m);
            }
        }
        return expected > 0 && !double.IsNaN(expected) ? Math.Clamp(actual / expected, 0.1, 10) : 1;
    }

    /// <summary>The upper quantile of the log residuals of forecasts made before <paramref name="t"/> whose minute is known.</summary>
    private double Band(double[] values, double[] made, int from, int t, int lead)
    {
        var pairs = new List<(double Forecast, double Residual)>();
        for (var s = Math.Max(from, t - lead - CalibrationMinutes); s + lead < t; s++)
        {
            var actual = values[s + lead];
            if (!double.IsNaN(actual) && !double.IsNaN(made[s - from]))
            {
                pairs.Add((made[s - from], Math.Log(1 + actual) - Math.Log(1 + made[s - from])));
            }
        }
        if (pairs.Count < MinResiduals)
        {
            return 0.25;
        }
        var median = ForecastScores.Quantile(pairs.Select(p => p.Forecast).ToArray(), 0.5);
        var busy = pairs.Where(p => p.Forecast >= median).Select(p => p.Residual).ToArray();
        return Math.Max(0, ForecastScores.Quantile(busy, Quantile));
    }

    /// <summary>
    /// Requests per minute expected at a minute: linear between hour centres, through the last two complete hours'
    /// counts and the forecasts of the current and the next hour (flat after that). Rebuilt at each hour.
    /// </summary>
    private sealed class ExpectedCurve(HourlySeries hours, int hourOffset, MinuteShape? shape)
    {
        private readonly double[] _centres = new double[5];
        private readonly Dictionary<int, double> _oneStep = [];

        public int Hour { get; private set; } = int.MinValue;

        public void MoveTo(int hour, IForecaster forecaster)
        {
            Hour = hour;
            // Every centre is a forecast, the past two hours' as made an hour before them: the recent minutes then
            // measure the forecaster's own level error, which carries into the next minutes (a curve through past
            // actuals and future forecasts would turn a forecast that is too high into a steep rise).
            var ahead = Forecast(forecaster, hour, 2);
            _centres[0] = OneStep(forecaster, hour - 2);
            _centres[1] = OneStep(forecaster, hour - 1);
            _centres[2] = ahead.Count > 0 ? ahead[0].Mean : double.NaN;
            _centres[3] = ahead.Count > 1 ? ahead[1].Mean : _centres[2];
            _centres[4] = _centres[3];
            _oneStep[hour] = _centres[2];
            for (var i = 0; i < _centres.Length; i++)
            {
                _centres[i] = double.IsNaN(_centres[i]) ? double.NaN : _centres[i] / 60;
            }
        }

        /// <summary>The forecast of <paramref name="hour"/> made when it began (NaN before the series).</summary>
        private double OneStep(IForecaster forecaster, int hour)
        {
            if (!_oneStep.TryGetValue(hour, out var value))
            {
                var forecast = Forecast(forecaster, hour, 1);
                value = forecast.Count > 0 ? forecast[0].Mean : double.NaN;
                _oneStep[hour] = value;
            }
            return value;
        }

        private IReadOnlyList<HourForecast> Forecast(IForecaster forecaster, int hour, int horizons)
        {
            var known = Math.Clamp(hour, 0, hours.Count);
            return known >= 1 ? forecaster.Forecast(new HourlySeries(hours.Start, hours.Values[..known]), horizons) : [];
        }

        /// <summary>The expected count of minute <paramref name="minute"/> (series index), between hour Hour-2 and Hour+2.</summary>
        public double At(int minute)
        {
            // Position in hours from the centre of hour Hour-2.
            var position = ((minute - hourOffset) / 60.0) - (Hour - 2) - 0.5;
            var i = Math.Clamp((int)Math.Floor(position), 0, _centres.Length - 2);
            var fraction = Math.Clamp(position - i, 0, 1);
            var a = _centres[i];
            var b = _centres[i + 1];
            var hourly = double.IsNaN(a) ? b : double.IsNaN(b) ? a : a + ((b - a) * fraction);
            return shape is null ? hourly : hourly * shape.At(minute);
        }
    }
}

/// <summary>
/// The outlook of each minute from <see cref="From"/>: <see cref="Point"/> is the forecast of minute t + lead,
/// <see cref="Upper"/> its upper bound, <see cref="Peak"/> the highest upper bound over minutes t..t + lead (what a
/// plan deciding at t must cover), all in requests per minute.
/// </summary>
public sealed record MinuteForecasts(int From, int Lead, double[] Point, double[] Upper, double[] Peak);
