namespace Tandem.Forecasting.Models;

/// <summary>
/// Model inputs read from a series with gaps filled the same way for every model: a gap takes the value a whole number
/// of days earlier (up to a week back), else the last observed value before it. Only hours at or before the asked
/// index are read, so filling never looks into the future.
/// </summary>
internal static class SeriesInputs
{
    public static double Filled(double[] values, int index)
    {
        if (index < 0)
        {
            return double.NaN;
        }
        var value = values[index];
        if (!double.IsNaN(value))
        {
            return value;
        }
        for (var back = index - 24; back >= 0 && back >= index - 168; back -= 24)
        {
            if (!double.IsNaN(values[back]))
            {
                return values[back];
            }
        }
        return LastObserved(values, index);
    }

    public static double LastObserved(double[] values, int index)
    {
        for (var i = Math.Min(index, values.Length - 1); i >= 0; i--)
        {
            if (!double.IsNaN(values[i]))
            {
                return values[i];
            }
        }
        return double.NaN;
    }

    /// <summary>True when hours <c>[from, to]</c> hold at most <paramref name="maxGaps"/> gaps.</summary>
    public static bool MostlyObserved(double[] values, int from, int to, int maxGaps)
    {
        if (from < 0)
        {
            return false;
        }
        var gaps = 0;
        for (var i = from; i <= to; i++)
        {
            if (double.IsNaN(values[i]) && ++gaps > maxGaps)
            {
                return false;
            }
        }
        return true;
    }
}
