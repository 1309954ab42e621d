namespace Tandem.Forecasting.Models;

/// <summary>How a <see cref="Forecaster"/> trains and selects.</summary>
public sealed record ForecasterOptions
{
    /// <summary>Horizons 1..this are selected and forecast. Default 24 (the dense-calendar model's reach).</summary>
    public int MaxHorizon { get; init; } = 24;

    /// <summary>The last days of the history used to choose the model per horizon and set the intervals. Default 7 (at most a quarter of the history).</summary>
    public int ValidationDays { get; init; } = 7;

    /// <summary>Wall-clock budget for fitting every candidate; a model still training when it runs out keeps its weights so far. Default 30 s.</summary>
    public TimeSpan TrainingTimeLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Seeds the networks' initial weights and shuffling: the same history and seed give the same models. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Candidate model names (<see cref="ModelCatalog.Names"/>). Default: all.</summary>
    public IReadOnlyList<string> Models { get; init; } = ModelCatalog.Names;

    /// <summary>Prediction interval quantiles of the validation log-ratio residuals. Default p10..p90.</summary>
    public double LowerQuantile { get; init; } = 0.1;

    public double UpperQuantile { get; init; } = 0.9;

    /// <summary>Sample updates (samples x epochs) per network, the deterministic part of the training bound. Default 200,000.</summary>
    public int TrainingSampleUpdates { get; init; } = 200_000;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
