using Tandem.Forecasting.Models.Neural;

namespace Tandem.Forecasting.Models;

/// <summary>
/// The design document's network: the last 24 hourly counts into Dense 64 ReLU, Dense 32 ReLU, Dense 1 (the next hour),
/// trained with Adam on MSE; longer horizons are recursive (each prediction is fed back as the newest input). Two
/// scalings of the same network:
/// <list type="bullet">
/// <item>"dense" (the reference, as designed): counts divided by the training maximum, so the network learns absolute
/// levels and falls behind when the level moves;</item>
/// <item>"dense-level": counts divided by the window's own mean (the recent level) and the output multiplied back, so
/// the network learns the shape of a day relative to its level; windows at an outage's level (under 1 request an
/// hour) are not trained on.</item>
/// </list>
/// Gaps in the input window are filled (<see cref="SeriesInputs"/>); training windows and targets never contain gaps.
/// </summary>
internal sealed class DenseWindowModel(Random random, TrainingBudget budget, bool levelScaled) : IForecastModel, IPersistentModel
{
    public const string ModelName = "dense";
    public const string LevelName = "dense-level";
    private const int Window = 24;
    private const double MinLevel = 1;
    private const double MaxRatio = 20;
    private static readonly int[] Sizes = [Window, 64, 32, 1];

    private DenseNetwork? _network;
    private double _scale = 1;

    public string Name => levelScaled ? LevelName : ModelName;

    public void Fit(HourlySeries series, int trainEnd, CancellationToken cancellationToken)
    {
        var values = series.Values;
        var max = 0.0;
        for (var i = 0; i < trainEnd; i++)
        {
            if (values[i] > max)
            {
                max = values[i];
            }
        }
        _scale = Math.Max(1, max);
        var inputs = new List<double>();
        var targets = new List<double>();
        Span<double> window = stackalloc double[Window];
        for (var t = Window - 1; t + 1 < trainEnd; t++)
        {
            if (double.IsNaN(values[t + 1]) || !SeriesInputs.MostlyObserved(values, t - Window + 1, t, 0))
            {
                continue;
            }
            var scale = Scale(values, t);
            var target = values[t + 1] / scale;
            if (!(scale > 0) || target > MaxRatio)
            {
                continue;
            }
            Inputs(values, t, scale, window);
            foreach (var input in window)
            {
                inputs.Add(input);
            }
            targets.Add(target);
        }
        var network = new DenseNetwork(Sizes, random);
        NetworkTrainer.Train(network, [.. inputs], [.. targets], targets.Count, budget, random, cancellationToken);
        _network = targets.Count > 0 ? network : null;
    }

    public double Predict(HourlySeries series, int origin, int horizon)
    {
        Span<double> one = stackalloc double[1];
        if (horizon < 1)
        {
            return double.NaN;
        }
        return Recursive(series, origin, horizon, one) ? one[0] : double.NaN;
    }

    public void PredictHorizons(HourlySeries series, int origin, Span<double> forecasts)
    {
        if (!Recursive(series, origin, 1, forecasts))
        {
            forecasts.Fill(double.NaN);
        }
    }

    /// <summary>Runs the network forward step by step; writes horizons firstHorizon.. into <paramref name="forecasts"/>.</summary>
    private bool Recursive(HourlySeries series, int origin, int firstHorizon, Span<double> forecasts)
    {
        if (_network is null || origin < Window - 1)
        {
            return false;
        }
        var values = series.Values;
        var scale = Scale(values, origin);
        if (!(scale > 0))
        {
            return false;
        }
        Span<double> window = stackalloc double[Window];
        if (!Inputs(values, origin, scale, window))
        {
            return false;
        }
        var last = firstHorizon + forecasts.Length - 1;
        for (var step = 1; step <= last; step++)
        {
            var next = Math.Max(0, _network.Forward(window)[0]);
            window[1..].CopyTo(window);
            window[^1] = next;
            if (step >= firstHorizon)
            {
                forecasts[step - firstHorizon] = next * scale;
            }
        }
        return true;
    }

    /// <summary>The divisor at origin t: the training maximum, or the window's mean (at least <see cref="MinLevel"/>; NaN when unknown).</summary>
    private double Scale(double[] values, int t)
    {
        if (!levelScaled)
        {
            return _scale;
        }
        var sum = 0.0;
        for (var i = t - Window + 1; i <= t; i++)
        {
            sum += SeriesInputs.Filled(values, i);
        }
        var level = sum / Window;
        return double.IsNaN(level) ? double.NaN : level < MinLevel ? 0 : level;
    }

    private static bool Inputs(double[] values, int t, double scale, Span<double> window)
    {
        for (var i = 0; i < Window; i++)
        {
            window[i] = SeriesInputs.Filled(values, t - Window + 1 + i) / scale;
            if (double.IsNaN(window[i]))
            {
                return false;
            }
        }
        return true;
    }

    public ModelState Save()
    {
        var state = ModelState.Empty(Name);
        state.Scalars["scale"] = _scale;
        if (_network is not null)
        {
            state.Arrays["parameters"] = _network.Parameters;
        }
        return state;
    }

    public void Load(ModelState state)
    {
        _scale = state.Scalar("scale");
        _network = state.Arrays.TryGetValue("parameters", out var parameters) ? new DenseNetwork(Sizes, parameters) : null;
    }
}
