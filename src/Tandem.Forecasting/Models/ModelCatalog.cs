using Tandem.Forecasting.Models.Gbm;
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
        DenseWindowModel.LevelName,
        DenseCalendarModel.ModelName,
        GbmModel.ModelName,
    ];

    /// <summary>The baselines every learned model must beat.</summary>
    public static IReadOnlyList<string> Baselines { get; } = [PersistenceModel.ModelName, SeasonalNaiveModel.DailyName, SeasonalNaiveModel.WeeklyName];

    /// <summary>Creates a fresh, untrained model; each learned one gets its own <see cref="Random"/> seeded from <paramref name="seed"/>.</summary>
    public static IForecastModel Create(string name, int seed, int sampleUpdates = 200_000) => name switch
    {
        PersistenceModel.ModelName => new PersistenceModel(),
        SeasonalNaiveModel.DailyName => new SeasonalNaiveModel(24),
        SeasonalNaiveModel.WeeklyName => new SeasonalNaiveModel(168),
#pragma warning disable CA5394 // Random is for weight init, shuffling and row sampling, not security.
        DenseWindowModel.ModelName => new DenseWindowModel(new Random(seed), TrainingBudget.Default with { SampleUpdates = sampleUpdates }, levelScaled: false),
        DenseWindowModel.LevelName => new DenseWindowModel(new Random(seed + 2), TrainingBudget.Default with { SampleUpdates = sampleUpdates }, levelScaled: true),
        DenseCalendarModel.ModelName => new DenseCalendarModel(new Random(seed + 1), TrainingBudget.Default with { SampleUpdates = sampleUpdates }),
        GbmModel.ModelName => new GbmModel(new Random(seed + 3), seed),
#pragma warning restore CA5394
        _ => throw new ArgumentException($"unknown model '{name}'; expected one of {string.Join(", ", Names)}", nameof(name)),
    };
}
