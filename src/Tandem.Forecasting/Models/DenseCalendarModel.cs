using Tandem.Forecasting.Models.Neural;

namespace Tandem.Forecasting.Models;

/// <summary>
/// "dense-calendar": a dense network (64-32 ReLU, Adam, MSE) that sees the day and the week. Inputs at origin t: the
/// last 24 hours, the 24 hours one week before the forecast window (t-167..t-144), the same week-ago hours of the
/// input window (t-191..t-168), and cyclic hour-of-day and day-of-week of hour t+1. One output per horizon 1..24
/// (direct, not recursive). Level-robust: everything is log1p and relative to the mean log1p of the last 24 hours,
/// so one model shape fits a pool of 50 requests an hour and one of 50,000; values are clipped to ±3 (a factor of
/// 20) so an outage's zeros cannot dominate the loss, and such hours are not training targets. The forecast is the
/// mean (in log space) of <see cref="Members"/> networks from different seeds: on a few weeks of history one network's
/// seed-to-seed variance is as large as the differences between models.
/// </summary>
internal sealed class DenseCalendarModel(Random random, TrainingBudget budget) : IForecastModel, IPersistentModel
{
    public const string ModelName = "dense-calendar";
    public const int MaxHorizon = 24;
    private const int Lookback = 192;
    private const int InputCount = 24 + 24 + 24 + 4;
    private const double Clip = 3;
    private static readonly int[] Sizes = [InputCount, 64, 32, MaxHorizon];

    private DenseNetwork[] _networks = [];
    /// <summary>Networks averaged per forecast.</summary>
    public const int Members = 5;

    public string Name => ModelName;

    public void Fit(HourlySeries series, int trainEnd, CancellationToken cancellationToken)
    {
        var values = series.Values;
        var inputs = new List<double>();
        var targets = new List<double>();
        var features = new double[InputCount];
        var row = new double[MaxHorizon];
        for (var t = Lookback - 1; t + 1 < trainEnd; t++)
        {
            if (!SeriesInputs.MostlyObserved(values, t - 23, t, 0))
            {
                continue;
            }
            var level = Features(series, t, features);
            if (Anomalous(features.AsSpan(0, 24)))
            {
                continue;
            }
            var any = false;
            for (var h = 1; h <= MaxHorizon; h++)
            {
                var target = t + h < trainEnd ? values[t + h] : double.NaN;
                var relative = Math.Log(1 + target) - level;
                // An hour 20x off the day's level is an outage or an event, not a pattern to learn.
                row[h - 1] = double.IsNaN(target) || Math.Abs(relative) >= Clip ? double.NaN : relative;
                any |= !double.IsNaN(row[h - 1]);
            }
            if (any)
            {
                inputs.AddRange(features);
                targets.AddRange(row);
            }
        }
        var samples = targets.Count / MaxHorizon;
        double[] x = [.. inputs], y = [.. targets];
        var networks = new DenseNetwork[samples > 0 ? Members : 0];
        for (var m = 0; m < networks.Length; m++)
        {
            networks[m] = new DenseNetwork(Sizes, random);
            NetworkTrainer.Train(networks[m], x, y, samples, budget, random, cancellationToken);
        }
        _networks = networks;
    }

    public double Predict(HourlySeries series, int origin, int horizon)
    {
        if (_networks.Length == 0 || origin < Lookback - 1 || horizon < 1 || horizon > MaxHorizon)
        {
            return double.NaN;
        }
        Span<double> features = stackalloc double[InputCount];
        var level = Features(series, origin, features);
        if (double.IsNaN(level))
        {
            return double.NaN;
        }
        var sum = 0.0;
        foreach (var network in _networks)
        {
            sum += network.Forward(features)[horizon - 1];
        }
        return Math.Max(0, Math.Exp(level + (sum / _networks.Length)) - 1);
    }

    public void PredictHorizons(HourlySeries series, int origin, Span<double> forecasts)
    {
        forecasts.Fill(double.NaN);
        if (_networks.Length == 0 || origin < Lookback - 1)
        {
            return;
        }
        Span<double> features = stackalloc double[InputCount];
        var level = Features(series, origin, features);
        if (double.IsNaN(level))
        {
            return;
        }
        Span<double> sum = stackalloc double[MaxHorizon];
        sum.Clear();
        foreach (var network in _networks)
        {
            var output = network.Forward(features);
            for (var h = 0; h < MaxHorizon; h++)
            {
                sum[h] += output[h];
            }
        }
        for (var h = 0; h < Math.Min(MaxHorizon, forecasts.Length); h++)
        {
            forecasts[h] = Math.Max(0, Math.Exp(level + (sum[h] / _networks.Length)) - 1);
        }
    }

    /// <summary>Fills the inputs for origin <paramref name="t"/>; returns the level (mean log1p of the last 24 hours).</summary>
    private static double Features(HourlySeries series, int t, Span<double> features)
    {
        var values = series.Values;
        var level = 0.0;
        for (var i = 0; i < 24; i++)
        {
            level += Math.Log(1 + SeriesInputs.Filled(values, t - 23 + i));
        }
        level /= 24;
        for (var i = 0; i < 24; i++)
        {
            features[i] = Relative(values, t - 23 + i, level);
            features[24 + i] = Relative(values, t - 167 + i, level);
            features[48 + i] = Relative(values, t - 191 + i, level);
        }
        var next = series.HourAt(t + 1);
        var hourAngle = 2 * Math.PI * next.Hour / 24;
        var dayAngle = 2 * Math.PI * (int)next.DayOfWeek / 7;
        features[72] = Math.Sin(hourAngle);
        features[73] = Math.Cos(hourAngle);
        features[74] = Math.Sin(dayAngle);
        features[75] = Math.Cos(dayAngle);
        return level;
    }

    private static double Relative(double[] values, int index, double level)
    {
        var value = SeriesInputs.Filled(values, index);
        return double.IsNaN(value) ? 0 : Math.Clamp(Math.Log(1 + value) - level, -Clip, Clip);
    }

    private static bool Anomalous(ReadOnlySpan<double> relative)
    {
        foreach (var value in relative)
        {
            if (Math.Abs(value) >= Clip)
            {
                return true;
            }
        }
        return false;
    }

    public ModelState Save()
    {
        var state = ModelState.Empty(ModelName);
        for (var m = 0; m < _networks.Length; m++)
        {
            state.Arrays["parameters" + m.ToString(System.Globalization.CultureInfo.InvariantCulture)] = _networks[m].Parameters;
        }
        return state;
    }

    public void Load(ModelState state)
    {
        var networks = new List<DenseNetwork>();
        while (state.Arrays.TryGetValue("parameters" + networks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), out var parameters))
        {
            networks.Add(new DenseNetwork(Sizes, parameters));
        }
        _networks = [.. networks];
    }
}
