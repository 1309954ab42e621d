using Tandem.Forecasting.Models.Neural;

namespace Tandem.Forecasting.Models;

/// <summary>The candidate models by name, in a fixed order (simplest first: ties in selection go to the simpler model).</summary>
public static class ModelCatalog
{
    public static IReadOnlyList<string> Names { get; } =
    [
        PersistenceModel.ModelName,
        SeasonalNaiveModel.DailyName,
        SeasonalNaiveModel.WeeklyName,
        DenseWindowModel.ModelName,
        DenseCalendarModel.ModelName,
        BlendModel.ModelName,
    ];

    /// <summary>The baselines every learned model must beat.</summary>
    public static IReadOnlyList<string> Baselines { get; } = [PersistenceModel.ModelName, SeasonalNaiveModel.DailyName, SeasonalNaiveModel.WeeklyName];

    /// <summary>
    /// Creates a fresh, untrained model; each network gets its own <see cref="Random"/> seeded from <paramref name="seed"/>.
    /// A combination (blend) uses its members from <paramref name="created"/> when present there, else its own.
    /// </summary>
    public static IForecastModel Create(string name, int seed, IReadOnlyDictionary<string, IForecastModel>? created = null, int sampleUpdates = 200_000) => name switch
    {
        BlendModel.ModelName => new BlendModel(
            Member(DenseCalendarModel.ModelName, seed, created, sampleUpdates), Member(SeasonalNaiveModel.WeeklyName, seed, created, sampleUpdates)),
        PersistenceModel.ModelName => new PersistenceModel(),
        SeasonalNaiveModel.DailyName => new SeasonalNaiveModel(24),
        SeasonalNaiveModel.WeeklyName => new SeasonalNaiveModel(168),
#pragma warning disable CA5394 // Random is for weight init and shuffling, not security.
        DenseWindowModel.ModelName => new DenseWindowModel(new Random(seed), TrainingBudget.Default with { SampleUpdates = sampleUpdates }),
        DenseCalendarModel.ModelName => new DenseCalendarModel(new Random(seed + 1), TrainingBudget.Default with { SampleUpdates = sampleUpdates }),
#pragma warning restore CA5394
        _ => throw new ArgumentException($"unknown model '{name}'; expected one of {string.Join(", ", Names)}", nameof(name)),
    };

    private static IForecastModel Member(string name, int seed, IReadOnlyDictionary<string, IForecastModel>? created, int sampleUpdates) =>
        created is not null && created.TryGetValue(name, out var model) ? model : Create(name, seed, null, sampleUpdates);
}
