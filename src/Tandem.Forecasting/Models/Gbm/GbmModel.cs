using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Tandem.Forecasting.Models.Gbm;

/// <summary>
/// "gbm": gradient-boosted trees (ML.NET's LightGBM) on lag, calendar and rolling features (<see cref="GbmFeatures"/>),
/// one model for every horizon 1..24 with the horizon as a feature, predicting the target hour's log1p relative to
/// the last day's level (a ratio to the recent level): a level shift moves the inputs and the forecast together, and
/// trees fit the hour-of-week shape that a short history gives. Trained with one thread and a seed, so the same
/// history gives the same trees; at most <see cref="MaxRows"/> (origin, horizon) rows, sampled evenly, bound its cost.
/// Predicts by walking the copied trees (<see cref="TreeEnsemble"/>), which also persist as plain arrays.
/// </summary>
internal sealed class GbmModel(Random random, int seed) : IForecastModel, IPersistentModel
{
    public const string ModelName = "gbm";
    public const int MaxHorizon = 24;
    public const int MaxRows = 80_000;
    private const int Iterations = 200;

    private TreeEnsemble? _trees;

    public string Name => ModelName;

    public void Fit(HourlySeries series, int trainEnd, CancellationToken cancellationToken)
    {
        var rows = Rows(series, trainEnd);
        _trees = null;
        if (rows.Count < 200 || cancellationToken.IsCancellationRequested)
        {
            return;
        }
        // ML.NET cannot stop a LightGBM fit midway; the row cap and the iteration count bound it instead (a few seconds).
        var ml = new MLContext(seed);
        var options = new LightGbmRegressionTrainer.Options
        {
            NumberOfIterations = Iterations,
            LearningRate = 0.05,
            NumberOfLeaves = 31,
            MinimumExampleCountPerLeaf = 50,
            UseCategoricalSplit = false,
            NumberOfThreads = 1,
            Seed = seed,
            Silent = true,
            Verbose = false,
        };
        var model = ml.Regression.Trainers.LightGbm(options).Fit(ml.Data.LoadFromEnumerable(rows));
        _trees = TreeEnsemble.From(model.Model.TrainedTreeEnsemble);
    }

    public double Predict(HourlySeries series, int origin, int horizon)
    {
        Span<double> one = stackalloc double[1];
        if (horizon < 1 || horizon > MaxHorizon)
        {
            return double.NaN;
        }
        Forecast(series, origin, horizon, one);
        return one[0];
    }

    public void PredictHorizons(HourlySeries series, int origin, Span<double> forecasts) => Forecast(series, origin, 1, forecasts);

    private void Forecast(HourlySeries series, int origin, int firstHorizon, Span<double> forecasts)
    {
        var level = _trees is null || origin < GbmFeatures.Lookback ? double.NaN : GbmFeatures.Level(series.Values, origin);
        Span<float> features = stackalloc float[GbmFeatures.Count];
        for (var i = 0; i < forecasts.Length; i++)
        {
            var h = firstHorizon + i;
            if (double.IsNaN(level) || h > MaxHorizon)
            {
                forecasts[i] = double.NaN;
                continue;
            }
            GbmFeatures.Fill(series, origin, h, level, features);
            forecasts[i] = Math.Max(0, Math.Exp(level + _trees!.Predict(features)) - 1);
        }
    }

    /// <summary>Training rows: every origin whose last day is observed and ordinary, every horizon whose target is observed.</summary>
    private List<Row> Rows(HourlySeries series, int trainEnd)
    {
        var values = series.Values;
        var candidates = 0;
        for (var t = GbmFeatures.Lookback; t + 1 < trainEnd; t++)
        {
            candidates += Math.Min(MaxHorizon, trainEnd - 1 - t);
        }
        var keep = Math.Min(1.0, (double)MaxRows / Math.Max(1, candidates));
        var rows = new List<Row>();
        for (var t = GbmFeatures.Lookback; t + 1 < trainEnd; t++)
        {
            if (!SeriesInputs.MostlyObserved(values, t - 23, t, 0))
            {
                continue;
            }
            var level = GbmFeatures.Level(values, t);
            if (Unusual(values, t, level))
            {
                continue;
            }
            for (var h = 1; h <= MaxHorizon && t + h < trainEnd; h++)
            {
#pragma warning disable CA5394 // sampling rows, not security
                if (keep < 1 && random.NextDouble() >= keep)
#pragma warning restore CA5394
                {
                    continue;
                }
                var target = Math.Log(1 + values[t + h]) - level;
                // An hour 20x off the day's level is an outage or an event, not a pattern to learn.
                if (double.IsNaN(target) || Math.Abs(target) >= GbmFeatures.Clip)
                {
                    continue;
                }
                var features = new float[GbmFeatures.Count];
                GbmFeatures.Fill(series, t, h, level, features);
                rows.Add(new Row { Features = features, Label = (float)target });
            }
        }
        return rows;
    }

    private static bool Unusual(double[] values, int t, double level)
    {
        for (var i = t - 23; i <= t; i++)
        {
            if (Math.Abs(Math.Log(1 + values[i]) - level) >= GbmFeatures.Clip)
            {
                return true;
            }
        }
        return false;
    }

    public ModelState Save()
    {
        var state = ModelState.Empty(ModelName);
        _trees?.Save(state);
        return state;
    }

    public void Load(ModelState state) => _trees = state.Arrays.ContainsKey("leaf") ? TreeEnsemble.Load(state) : null;

    private sealed class Row
    {
        [VectorType(GbmFeatures.Count)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
