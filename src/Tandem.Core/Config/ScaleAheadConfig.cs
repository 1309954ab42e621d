namespace Tandem.Core.Config;

/// <summary>Scaling ahead of a predicted peak (YAML <c>pools[].scale-ahead</c>).</summary>
public sealed record ScaleAheadConfig
{
    /// <summary>Key <c>lead</c>: how far ahead the forecast is checked (and how early actions run); default 15 m.</summary>
    public TimeSpan? Lead { get; init; }

    /// <summary>Key <c>threshold</c>: the share of capacity (0..1, written <c>80%</c>) above which the pool counts as overloaded; default 0.8.</summary>
    public double? Threshold { get; init; }

    /// <summary>Key <c>actions</c>: what to do when an overload is predicted; only the "predicted overload" signal when empty.</summary>
    public IReadOnlyList<ScaleAction> Actions { get; init; } = [];
}
