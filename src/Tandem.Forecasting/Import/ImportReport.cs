using System.Globalization;
using System.Text;

namespace Tandem.Forecasting.Import;

/// <summary>What an import read: lines, lines skipped and why (each reason with its count and first line number).</summary>
public sealed class ImportReport
{
    private readonly Dictionary<string, (int Count, long FirstLine)> _skipped = new(StringComparer.Ordinal);

    public long LinesRead { get; set; }

    public long LinesSkipped { get; private set; }

    /// <summary>Skip reasons with how many lines each and the first such line.</summary>
    public IReadOnlyDictionary<string, (int Count, long FirstLine)> Skipped => _skipped;

    public void Skip(long line, string reason)
    {
        LinesSkipped++;
        _skipped[reason] = _skipped.TryGetValue(reason, out var seen) ? (seen.Count + 1, seen.FirstLine) : (1, line);
    }

    /// <summary>One line per reason, e.g. <c>skipped 3 lines: bad timestamp (first at line 7)</c>.</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var (reason, (count, first)) in _skipped.OrderByDescending(r => r.Value.Count))
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"skipped {count} line{(count == 1 ? "" : "s")}: {reason} (first at line {first})");
            yield return text.ToString();
        }
    }
}
