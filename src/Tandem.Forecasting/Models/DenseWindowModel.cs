using Tandem.Forecasting.Models.Neural;

namespace Tandem.Forecasting.Models;

/// <summary>
/// "dense": the design document's network. The last 24 hourly counts, scaled by the training maximum, into Dense 64
/// ReLU, Dense 32 ReLU, Dense 1 (the next hour), trained with Adam on MSE. Longer horizons are recursive: each
/// prediction is fed back as the newest input. Gaps in the input window are filled (<see cref="SeriesInputs"/>);
/// training windows and targets never contain gaps.
/// </summary>
internal sealed class DenseWindowModel(Random random, TrainingBudget budget) : IForecastModel, IPersistentModel
{
    public const string ModelName = "dense";
    private const int Window = 24;
    private static readonly int[] Sizes = [Window, 64, 32, 1];

    private DenseNetwork? _network;
    private double _scale = 1;

    public string Name => ModelName;

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
        for (var t = Window - 1; t + 1 < trainEnd; t++)
        {
            if (double.IsNaN(values[t + 1]) || !SeriesInputs.MostlyObserved(values, t - Window + 1, t, 0))
            {
                continue;
            }
            for (var i = t - Window + 1; i <= t; i++)
            {
                inputs.Add(values[i] / _scale);
            }
            targets.Add(values[t + 1] / _scale);
        }
        var network = new DenseNetwork(Sizes, random);
        NetworkTrainer.Train(network, [.. inputs], [.. targets], targets.Count, budget, random, cancellationToken);
        _network = targets.Count > 0 ? network : null;
    }

    public double Predict(HourlySeries series, int origin, int horizon)
    {
        if (_network is null || origin < Window - 1 || horizon < 1)
        {
            return double.NaN;
        }
        Span<double> window = stackalloc double[Window];
        for (var i = 0; i < Window; i++)
        {
            window[i] = SeriesInputs.Filled(series.Values, origin - Window + 1 + i) / _scale;
            if (double.IsNaN(window[i]))
            {
                return double.NaN;
            }
        }
        var next = 0.0;
        for (var step = 0; step < horizon; step++)
        {
            next = Math.Max(0, _network.Forward(window)[0]);
            window[1..].CopyTo(window);
            window[^1] = next;
        }
        return next * _scale;
    }

    public ModelState Save()
    {
        var state = ModelState.Empty(ModelName);
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
