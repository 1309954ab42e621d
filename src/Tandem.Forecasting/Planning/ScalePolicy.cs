namespace Tandem.Forecasting.Planning;

/// <summary>
/// How many servers a pool should have for a predicted peak, shared by the planner and <c>tandem forecast simulate</c>.
/// Out at once: as soon as the peak exceeds threshold x capacity x current servers, to the smallest count that keeps
/// it under. In with hysteresis: only when the peak stays below threshold x capacity x the smaller count x
/// <see cref="ScaleInMargin"/> for <see cref="ScaleInRounds"/> rounds in a row (so a dip between two peaks does not
/// send servers away and back). Never below the base count nor above the maximum.
/// Concurrency: not thread-safe; one planning loop owns an instance.
/// </summary>
public sealed class ScalePolicy
{
    public const double ScaleInMargin = 0.8;
    public const int ScaleInRounds = 2;

    private readonly int _scaleInRounds;
    private int _roundsBelow;
    private int _inTarget;

    /// <param name="capacity">Requests/s one server takes at healthy latency.</param>
    /// <param name="threshold">The share of capacity to plan for (0..1).</param>
    /// <param name="baseServers">Servers always in rotation.</param>
    /// <param name="maxServers">Servers at most (base plus what can be woken or added).</param>
    /// <param name="scaleInRounds">Rounds in a row below the smaller set's capacity before scaling in (default <see cref="ScaleInRounds"/>).</param>
    public ScalePolicy(double capacity, double threshold, int baseServers, int maxServers, int scaleInRounds = ScaleInRounds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scaleInRounds);
        _scaleInRounds = scaleInRounds;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baseServers);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxServers, baseServers);
        Capacity = capacity;
        Threshold = threshold;
        BaseServers = baseServers;
        MaxServers = maxServers;
        Current = baseServers;
    }

    public double Capacity { get; set; }

    public double Threshold { get; }

    public int BaseServers { get; }

    public int MaxServers { get; }

    /// <summary>The servers the plan has in rotation now.</summary>
    public int Current { get; private set; }

    /// <summary>Requests/s <paramref name="servers"/> take at the threshold.</summary>
    public double Usable(int servers) => Threshold * Capacity * servers;

    /// <summary>The servers needed for <paramref name="peak"/> requests/s (at least the base count, at most the maximum).</summary>
    public int Needed(double peak) =>
        Math.Clamp(peak <= 0 || double.IsNaN(peak) ? BaseServers : (int)Math.Ceiling(peak / Usable(1)), BaseServers, MaxServers);

    /// <summary>One planning round: returns the new <see cref="Current"/>.</summary>
    public int Decide(double peak)
    {
        if (double.IsNaN(peak))
        {
            return Current;
        }
        if (peak > Usable(Current))
        {
            _roundsBelow = 0;
            Current = Needed(peak);
            return Current;
        }
        var smaller = Current;
        while (smaller > BaseServers && peak < Usable(smaller - 1) * ScaleInMargin)
        {
            smaller--;
        }
        if (smaller >= Current)
        {
            _roundsBelow = 0;
            return Current;
        }
        _inTarget = _roundsBelow == 0 ? smaller : Math.Max(_inTarget, smaller);
        _roundsBelow++;
        if (_roundsBelow >= _scaleInRounds)
        {
            Current = _inTarget;
            _roundsBelow = 0;
        }
        return Current;
    }
}
