using Tandem.Forecasting.History;

namespace Tandem.Forecasting.Tests.History;

public sealed class HistoryStoreTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly SeriesKey App = SeriesKey.Pool("app");

    [Fact]
    public void AddMinutes_SeveralMinutesOfAnHour_RolledUpIntoTheHour()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);

        store.AddMinutes([new MinuteCount(App, Noon, 10), new MinuteCount(App, Noon.AddMinutes(1), 20), new MinuteCount(App, Noon.AddMinutes(61), 5)]);

        var hours = store.Hours(App, Noon.AddHours(-1), Noon.AddHours(3));
        Assert.Equal(Noon.AddHours(-1), hours.Start);
        Assert.True(double.IsNaN(hours.Values[0]));
        Assert.Equal(30, hours.Values[1]);
        Assert.Equal(5, hours.Values[2]);
        Assert.True(double.IsNaN(hours.Values[3]));
        Assert.Equal(35, store.MinuteTotal(App, Noon, Noon.AddHours(2)));
    }

    [Fact]
    public void AddMinutes_OtherSeries_KeptApart()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);

        store.AddMinutes([new MinuteCount(App, Noon, 10), new MinuteCount(SeriesKey.Pool("api"), Noon, 7), new MinuteCount(SeriesKey.Listener("app"), Noon, 3)]);

        Assert.Equal(10, store.Hours(App, Noon, Noon.AddHours(1)).Values[0]);
        Assert.Equal(3, store.Hours(SeriesKey.Listener("app"), Noon, Noon.AddHours(1)).Values[0]);
    }

    [Fact]
    public void SetHours_ExistingHour_Replaced()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);
        store.AddMinutes([new MinuteCount(App, Noon, 10)]);

        store.SetHours(App, [(Noon, 1200), (Noon.AddHours(1), 900)]);

        Assert.Equal([1200, 900], store.Hours(App, Noon, Noon.AddHours(2)).Values);
        Assert.Equal(Noon, store.FirstHour(App));
    }

    [Fact]
    public void Prune_RetentionLimits_DropsOlderMinutesAndHoursOnly()
    {
        using var dir = new TempDir();
        using var store = HistoryStore.Open(dir.Path);
        store.AddMinutes([new MinuteCount(App, Noon.AddDays(-20), 1), new MinuteCount(App, Noon.AddDays(-1), 1), new MinuteCount(App, Noon, 1)]);
        store.SetHours(App, [(Noon.AddDays(-800), 5)]);

        store.Prune(minutesAfter: Noon.AddDays(-14), hoursAfter: Noon.AddDays(-730));

        Assert.Equal(2, store.MinuteRows());
        Assert.Equal(3, store.HourRows());
        Assert.Equal(Noon.AddDays(-20), store.FirstHour(App));
    }

    [Fact]
    public void Open_SameDirectoryAgain_KeepsHistory()
    {
        using var dir = new TempDir();
        using (var store = HistoryStore.Open(dir.Path))
        {
            store.SetHours(App, [(Noon, 42)]);
        }

        using var reopened = HistoryStore.Open(dir.Path);
        Assert.Equal(42, reopened.Hours(App, Noon, Noon.AddHours(1)).Values[0]);
    }
}
