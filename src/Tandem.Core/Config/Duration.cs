using System.Globalization;

namespace Tandem.Core.Config;

/// <summary>Durations as written in the config: an integer or decimal and a unit, <c>250ms</c>, <c>2s</c>, <c>1.5s</c>, <c>5m</c>, <c>1h</c>.</summary>
public static class Duration
{
    public const string Hint = "write e.g. 250ms, 2s, 5m, 1h";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var span = text.AsSpan().Trim();
        int unitStart = span.Length;
        while (unitStart > 0 && char.IsAsciiLetter(span[unitStart - 1]))
        {
            unitStart--;
        }
        var number = span[..unitStart];
        var unit = span[unitStart..];
        if (number.IsEmpty || unit.IsEmpty || number[0] is '+' or '-')
        {
            return false;
        }
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }
        double ms = unit switch
        {
            "ms" => amount,
            "s" => amount * 1_000,
            "m" => amount * 60_000,
            "h" => amount * 3_600_000,
            _ => double.NaN,
        };
        if (double.IsNaN(ms) || ms > TimeSpan.FromDays(365).TotalMilliseconds)
        {
            return false;
        }
        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    /// <summary>The shortest config spelling of a duration (<c>1500ms</c>, <c>2s</c>, <c>5m</c>).</summary>
    public static string Format(TimeSpan value)
    {
        var ms = (long)value.TotalMilliseconds;
        if (ms % 3_600_000 == 0 && ms != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000}h");
        }
        if (ms % 60_000 == 0 && ms != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ms / 60_000}m");
        }
        if (ms % 1_000 == 0 && ms != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ms / 1_000}s");
        }
        return string.Create(CultureInfo.InvariantCulture, $"{ms}ms");
    }
}
