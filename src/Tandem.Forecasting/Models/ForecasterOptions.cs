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

    /// <summary>Prediction interval quantiles of the recent log-ratio residuals. Default p10..p90 (p90 is what capacity is planned on).</summary>
    public double LowerQuantile { get; init; } = 0.1;

    public double UpperQuantile { get; init; } = 0.9;

    /// <summary>Sample updates (samples x epochs) per network, the deterministic part of the training bound. Default 200,000.</summary>
    public int TrainingSampleUpdates { get; init; } = 200_000;

    /// <summary>Hours of recent forecast errors that weigh each model in the combination. Default 48.</summary>
    public int CombinationHours { get; init; } = 48;

    /// <summary>
    /// The combination weighs a model by 1 / MAE^power over <see cref="CombinationHours"/>: 1 is inverse MAE, larger
    /// values lean harder on the recent best. Default 2.
    /// </summary>
    public double CombinationPower { get; init; } = 2;

    /// <summary>Hours of the forecaster's own recent residuals that set the interval (rolling calibration). Default 168.</summary>
    public int CalibrationHours { get; init; } = 168;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
