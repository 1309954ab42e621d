using Tandem.Forecasting.Backtest;

namespace Tandem.Forecasting.Models;

/// <summary>
/// The forecasts a trained forecaster makes at every origin of a series, kept per origin hour so that each is made
/// once: every model's forecast for horizons 1..H, the error-weighted combination, the chosen forecast and its
/// interval. The combination and the interval look back at how the forecasts made earlier fared (errors on hours
/// up to the origin only), and only at target hours from <see cref="FitEnd"/> on, which the models never trained on:
/// the weights and the band are measured out of sample, in the backtest and in a running node alike.
/// Concurrency: not thread-safe; <see cref="Forecaster"/> serializes calls.
/// </summary>
internal sealed class ForecastTrack
{
    /// <summary>A model needs this many scored hours in the window to take part in the combination.</summary>
    private const int MinErrors = 12;

    /// <summary>The rolling interval needs this many residuals; fewer fall back to the validation interval.</summary>
    private const int MinResiduals = 24;

    private readonly IForecastModel[] _models;
    private IForecastModel[] _latest;
    private long _latestFrom = long.MaxValue;
    private readonly ForecasterOptions _options;
    private readonly int _horizons;
    private readonly Dictionary<long, Entry> _entries = [];
    private HorizonChoice[] _choices = [];
    private double[] _values = [];
    private long _startHour;

    public ForecastTrack(IForecastModel[] models, int horizons, DateTimeOffset fitEnd, ForecasterOptions options)
    {
        _models = models;
        _latest = models;
        _horizons = horizons;
        _options = options;
        FitEnd = fitEnd;
    }

    /// <summary>The first hour the models did not train on.</summary>
    public DateTimeOffset FitEnd { get; }

    /// <summary>The models fitted before <see cref="FitEnd"/>, which made the forecasts the track judges the past by.</summary>
    public IReadOnlyList<IForecastModel> Models => _models;

    /// <summary>The same models refitted on the whole history, which forecast from <see cref="LatestFrom"/> on (the fitted ones until set).</summary>
    public IReadOnlyList<IForecastModel> Latest => _latest;

    /// <summary>The first origin hour the <see cref="Latest"/> models forecast from (null: the fitted models forecast throughout).</summary>
    public DateTimeOffset? LatestFrom => _latestFrom == long.MaxValue ? null : new DateTimeOffset(_latestFrom * TimeSpan.TicksPerHour, TimeSpan.Zero);

    /// <summary>
    /// Hands forecasting from origin <paramref name="from"/> on to <paramref name="latest"/> (the same models, in the same
    /// order, refitted on more history); forecasts made before it stay as the fitted models made them, out of sample.
    /// </summary>
    public void UseLatest(IForecastModel[] latest, DateTimeOffset from)
    {
        _latest = latest;
        _latestFrom = Hour(from);
        foreach (var key in _entries.Keys.Where(k => k >= _latestFrom).ToList())
        {
            _entries.Remove(key);
        }
    }

    public int Horizons => _horizons;

    /// <summary>Set once training has chosen; until then <see cref="Chosen"/> is the combination where defined.</summary>
    public void Choose(HorizonChoice[] choices) => _choices = choices;

    /// <summary>
    /// Makes <paramref name="series"/> the one origins index into. Forecasts already made stay when the series only
    /// grew or slid (the hours both hold are equal); any other change forgets them.
    /// </summary>
    public void Bind(HourlySeries series)
    {
        var startHour = Hour(series.Start);
        if (ReferenceEquals(series.Values, _values) && startHour == _startHour)
        {
            return;
        }
        var shift = startHour - _startHour;
        var same = _values.Length > 0;
        for (var i = 0; same && i < series.Values.Length; i++)
        {
            var old = i + shift;
            if (old < 0 || old >= _values.Length)
            {
                continue;
            }
            var a = series.Values[i];
            var b = _values[old];
            same = a.Equals(b);
        }
        if (!same)
        {
            _entries.Clear();
        }
        else if (_entries.Count > 2 * series.Values.Length)
        {
            // A long-lived forecaster over a sliding window: forget origins that slid out of it.
            foreach (var key in _entries.Keys.Where(k => k < startHour).ToList())
            {
                _entries.Remove(key);
            }
        }
        _values = series.Values;
        _startHour = startHour;
        Series = series;
    }

    public HourlySeries Series { get; private set; } = new(DateTimeOffset.UnixEpoch, []);

    /// <summary>Model <paramref name="model"/>'s forecast from origin <paramref name="origin"/> at horizon <paramref name="h"/> (NaN when it cannot).</summary>
    public double Model(int origin, int h, int model) => At(origin).Models[(model * _horizons) + h - 1];

    /// <summary>The selected model's forecast (falling back down the validation ranking) and the name of the model that made it.</summary>
    public (double Value, string Model) Selected(int origin, int h)
    {
        var entry = At(origin);
        if (h > _choices.Length)
        {
            return (double.NaN, "");
        }
        foreach (var candidate in _choices[h - 1].Ranking)
        {
            var index = IndexOf(candidate.Model);
            var value = index < 0 ? double.NaN : entry.Models[(index * _horizons) + h - 1];
            if (!double.IsNaN(value))
            {
                return (value, candidate.Model);
            }
        }
        return (double.NaN, _choices[h - 1].Model);
    }

    /// <summary>The combination from <paramref name="origin"/>: the recently best models weighted by 1 / MAE^power over the recent window.</summary>
    public double Combined(int origin, int h)
    {
        var entry = At(origin);
        entry.Combined ??= new double[_horizons];
        if (entry.CombinedDone[h - 1])
        {
            return entry.Combined[h - 1];
        }
        entry.CombinedDone[h - 1] = true;
        return entry.Combined[h - 1] = Combine(origin, h, entry);
    }

    /// <summary>The forecast the forecaster gives: the combination where training chose it and it is defined, else the selection.</summary>
    public (double Value, string Model) Chosen(int origin, int h)
    {
        if (h <= _choices.Length && _choices[h - 1].Combine)
        {
            var combined = Combined(origin, h);
            if (!double.IsNaN(combined))
            {
                return (combined, Forecaster.CombinationName);
            }
        }
        return Selected(origin, h);
    }

    /// <summary>
    /// The interval of the chosen forecast: the lower and upper quantiles of its log1p residuals over the last
    /// <see cref="ForecasterOptions.CalibrationHours"/> target hours, or the validation band while there are too few.
    /// </summary>
    public (double Lower, double Upper) Interval(int origin, int h, double mean)
    {
        if (double.IsNaN(mean))
        {
            return (double.NaN, double.NaN);
        }
        var residuals = new List<double>(_options.CalibrationHours);
        var first = Math.Max(FirstScored(), origin - _options.CalibrationHours + 1);
        for (var target = first; target <= origin; target++)
        {
            if (target - h < 0 || double.IsNaN(_values[target]))
            {
                continue;
            }
            var past = Chosen(target - h, h).Value;
            if (!double.IsNaN(past))
            {
                residuals.Add(Math.Log(1 + _values[target]) - Math.Log(1 + Math.Max(0, past)));
            }
        }
        double low, high;
        if (residuals.Count >= MinResiduals)
        {
            low = ForecastScores.Quantile(residuals.ToArray(), _options.LowerQuantile);
            high = ForecastScores.Quantile(residuals.ToArray(), _options.UpperQuantile);
        }
        else if (h <= _choices.Length)
        {
            (low, high) = (_choices[h - 1].LowerLogRatio, _choices[h - 1].UpperLogRatio);
        }
        else
        {
            return (double.NaN, double.NaN);
        }
        var log = Math.Log(1 + Math.Max(0, mean));
        return (Math.Max(0, Math.Min(mean, Math.Exp(log + low) - 1)), Math.Max(mean, Math.Exp(log + high) - 1));
    }

    /// <summary>The index of the first hour the models did not train on, in the bound series (0 when before its start).</summary>
    public int FirstScored() => (int)Math.Max(0, Hour(FitEnd) - _startHour);

    private double Combine(int origin, int h, Entry entry)
    {
        Span<double> sums = stackalloc double[_models.Length];
        Span<int> counts = stackalloc int[_models.Length];
        sums.Clear();
        counts.Clear();
        var first = Math.Max(FirstScored(), origin - _options.CombinationHours + 1);
        for (var target = first; target <= origin; target++)
        {
            if (target - h < 0 || double.IsNaN(_values[target]))
            {
                continue;
            }
            var past = At(target - h);
            for (var m = 0; m < _models.Length; m++)
            {
                var forecast = past.Models[(m * _horizons) + h - 1];
                if (!double.IsNaN(forecast))
                {
                    sums[m] += Math.Abs(forecast - _values[target]);
                    counts[m]++;
                }
            }
        }
        var most = 0;
        foreach (var count in counts)
        {
            most = Math.Max(most, count);
        }
        Span<double> maes = stackalloc double[_models.Length];
        for (var m = 0; m < _models.Length; m++)
        {
            var forecast = entry.Models[(m * _horizons) + h - 1];
            // A model that could not forecast much of the window is not judged on the few hours it could.
            maes[m] = double.IsNaN(forecast) || counts[m] < MinErrors || counts[m] * 4 < most * 3
                ? double.PositiveInfinity
                : Math.Max(sums[m] / counts[m], 1e-6);
        }
        // Only the recently best few take part: a model far behind (persistence a day ahead, the recursive network
        // after a level change) still pulls a weighted mean its way however small its weight.
        var top = _options.CombinationTop > 0 ? Math.Min(_options.CombinationTop, _models.Length) : _models.Length;
        Span<double> sorted = stackalloc double[_models.Length];
        maes.CopyTo(sorted);
        sorted.Sort();
        var cut = sorted[top - 1];
        double weighted = 0, total = 0;
        for (var m = 0; m < _models.Length; m++)
        {
            if (double.IsPositiveInfinity(maes[m]) || maes[m] > cut)
            {
                continue;
            }
            var weight = 1 / Math.Pow(maes[m], _options.CombinationPower);
            weighted += weight * entry.Models[(m * _horizons) + h - 1];
            total += weight;
        }
        return total > 0 ? weighted / total : double.NaN;
    }

    private Entry At(int origin)
    {
        var key = _startHour + origin;
        if (_entries.TryGetValue(key, out var entry))
        {
            return entry;
        }
        var models = new double[_models.Length * _horizons];
        var forecasters = key >= _latestFrom ? _latest : _models;
        for (var m = 0; m < forecasters.Length; m++)
        {
            forecasters[m].PredictHorizons(Series, origin, models.AsSpan(m * _horizons, _horizons));
        }
        entry = new Entry(models, new bool[_horizons]);
        _entries[key] = entry;
        return entry;
    }

    private int IndexOf(string name)
    {
        for (var m = 0; m < _models.Length; m++)
        {
            if (_models[m].Name == name)
            {
                return m;
            }
        }
        return -1;
    }

    private static long Hour(DateTimeOffset at) => at.UtcTicks / TimeSpan.TicksPerHour;

    private sealed class Entry(double[] models, bool[] combinedDone)
    {
        public double[] Models { get; } = models;

        public double[]? Combined { get; set; }

        public bool[] CombinedDone { get; } = combinedDone;
    }
}
