using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Tests.Models;

public sealed class SelectionTieTests
{
    // A model that knows the answer and adds a fixed error per horizon: its validation MAE at horizon h is errors[h].
    private sealed class FixedErrorModel(string name, Func<int, double> error) : IForecastModel
    {
        public string Name => name;

        public void Fit(HourlySeries series, int trainEnd, CancellationToken cancellationToken)
        {
        }

        // Past the end of the series (the forecast itself) it knows nothing better than the last value.
        public double Predict(HourlySeries series, int origin, int horizon) =>
            (origin + horizon < series.Count ? series.Values[origin + horizon] : series.Values[origin]) + error(horizon);
    }

    private static HourlySeries Series()
    {
        var values = new double[24 * 21];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = 100 + (50 * Math.Sin(2 * Math.PI * (i % 24) / 24)) + (i % 7);
        }
        return new HourlySeries(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero), values);
    }

    private static HorizonChoice[] Select(Func<int, double> learnedError)
    {
        IForecastModel[] models = [new FixedErrorModel("baseline", _ => 10), new FixedErrorModel("learned", learnedError)];
        var series = Series();
        var fitEnd = series.Count - (7 * 24);
        var options = new ForecasterOptions { MaxHorizon = 24 };
        var track = new ForecastTrack(models, 24, series.HourAt(fitEnd), options);
        track.Bind(series);
        return ForecastSelection.Choose(track, series, fitEnd, options);
    }

    [Fact]
    public void Select_NearTieAtOneHorizon_GoesToTheBetterNeighbourhood()
    {
        // At h=24 the learned model is 1% worse than the baseline, but clearly better at h=22 and h=23.
        var choices = Select(h => h == 24 ? 10.1 : 9.0);

        Assert.Equal("learned", choices[23].Model);
        Assert.Equal("learned", choices[21].Model);
    }

    [Fact]
    public void Select_ClearlyWorseAtOneHorizon_KeepsTheBest()
    {
        // 5% worse is outside the tie margin: the baseline wins h=24 whatever the neighbours say.
        var choices = Select(h => h == 24 ? 10.5 : 9.0);

        Assert.Equal("baseline", choices[23].Model);
        Assert.Equal("learned", choices[22].Model);
    }
}
