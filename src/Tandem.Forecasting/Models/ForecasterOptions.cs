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

    /// <summary>
    /// After choosing on the validation days, refit the models on the whole history to forecast with (twice the
    /// training time; the choices and the band stay those judged out of sample). Default true.
    /// </summary>
    public bool RefitOnWholeHistory { get; init; } = true;

    /// <summary>
    /// Hours of recent forecast errors that rank and weigh the models in the combination. Default 168: a week holds every
    /// hour of the week once, so a model is not judged on the night hours alone; 48 was noisier at 24 hours ahead on
    /// every check series.
    /// </summary>
    public int CombinationHours { get; init; } = 168;

    /// <summary>The combination weighs a model by 1 / MAE^power over <see cref="CombinationHours"/>: 1 (the default) is inverse MAE.</summary>
    public double CombinationPower { get; init; } = 1;

    /// <summary>How many of the recently best models are combined (0: all). Default 3.</summary>
    public int CombinationTop { get; init; } = 3;

    /// <summary>Hours of the forecaster's own recent residuals that set the interval (rolling calibration). Default 168.</summary>
    public int CalibrationHours { get; init; } = 168;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
