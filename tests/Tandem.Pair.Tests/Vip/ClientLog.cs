using System.Globalization;

namespace Tandem.Pair.Tests.Vip;

/// <summary>What the client saw around one event: failed requests, the longest time without a success, VIP moves.</summary>
/// <param name="Failed">Requests that failed or timed out (300 ms) in the window.</param>
/// <param name="LongestGapMs">The longest time between two successful requests that starts or ends in the window.</param>
/// <param name="Moves">How often the answering node changed in the window (1 = one takeover, more = flapping).</param>
/// <param name="Requests">Requests in the window.</param>
/// <param name="LastNode">The node that answered last.</param>
internal sealed record Measurement(int Failed, long LongestGapMs, int Moves, int Requests, string? LastNode)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Failed} failed of {Requests}, longest gap {LongestGapMs} ms, {Moves} moves, last answer from {LastNode ?? "nobody"}");
}

/// <summary>Reads the client's log: one line per request, <c>UNIX_MS BODY</c> or <c>UNIX_MS fail</c>.</summary>
internal static class ClientLog
{
    public static Measurement Measure(IEnumerable<string> lines, long from, long to)
    {
        var failed = 0;
        var requests = 0;
        var moves = 0;
        long gap = 0;
        long? lastSuccess = null;
        string? lastNode = null;
        foreach (var line in lines)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || !long.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var at) || at > to)
            {
                continue;
            }
            var body = line[(space + 1)..].Trim();
            var inWindow = at >= from;
            if (body == "fail")
            {
                if (inWindow)
                {
                    failed++;
                    requests++;
                }
                continue;
            }
            if (inWindow)
            {
                requests++;
                if (lastSuccess is { } previous)
                {
                    gap = Math.Max(gap, at - previous);
                }
                if (lastNode is not null && lastNode != body)
                {
                    moves++;
                }
            }
            lastSuccess = at;
            lastNode = body;
        }
        return new Measurement(failed, gap, moves, requests, lastNode);
    }

    /// <summary>The lines next to each failed request after <paramref name="from"/>, times relative to it (for diagnosing a failure).</summary>
    public static string AroundFailures(IReadOnlyList<string> lines, long from)
    {
        var shown = new SortedSet<int>();
        for (var i = 0; i < lines.Count; i++)
        {
            var space = lines[i].IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && lines[i].EndsWith(" fail", StringComparison.Ordinal)
                && long.TryParse(lines[i].AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var at) && at >= from)
            {
                for (var j = Math.Max(0, i - 2); j <= Math.Min(lines.Count - 1, i + 2); j++)
                {
                    shown.Add(j);
                }
            }
        }
        return string.Join(" | ", shown.Select(i =>
        {
            var space = lines[i].IndexOf(' ', StringComparison.Ordinal);
            return long.TryParse(lines[i].AsSpan(0, Math.Max(space, 0)), NumberStyles.None, CultureInfo.InvariantCulture, out var at)
                ? string.Create(CultureInfo.InvariantCulture, $"{at - from}{lines[i][space..]}")
                : lines[i];
        }));
    }
}
