using System.Globalization;

namespace Tandem.Core.Config;

/// <summary>
/// A parsed <c>condition</c>: a state (<c>server-down</c>) or a comparison (<c>p99 &gt; 250ms</c>). The grammar is strict:
/// <c>STATE</c> or <c>METRIC OP VALUE</c>, OP one of <c>&gt;</c> <c>&gt;=</c> <c>&lt;</c> <c>&lt;=</c>, separated by spaces;
/// percents 0..100 (a trailing % allowed, required for error-rate), latencies as durations, queue an integer,
/// memory in bytes with KB/MB/GB, rate a number.
/// </summary>
/// <param name="Kind">What is watched.</param>
/// <param name="Operator">The comparison; null for a state.</param>
/// <param name="Threshold">The threshold in base units: percent, seconds, bytes, requests, requests/s.</param>
/// <param name="Text">The condition as written (normalised spacing).</param>
public sealed record AlertCondition(AlertConditionKind Kind, string? Operator, double Threshold, string Text)
{
    private static readonly Keywords<AlertConditionKind> States = new(
        ("server-down", AlertConditionKind.ServerDown),
        ("pool-down", AlertConditionKind.PoolDown),
        ("peer-lost", AlertConditionKind.PeerLost),
        ("became-master", AlertConditionKind.BecameMaster),
        ("primary-down", AlertConditionKind.PrimaryDown),
        ("predicted-overload", AlertConditionKind.PredictedOverload));

    private static readonly Keywords<AlertConditionKind> Metrics = new(
        ("node-cpu", AlertConditionKind.NodeCpu),
        ("process-cpu", AlertConditionKind.ProcessCpu),
        ("node-memory", AlertConditionKind.NodeMemory),
        ("server-cpu", AlertConditionKind.ServerCpu),
        ("p50", AlertConditionKind.P50),
        ("p99", AlertConditionKind.P99),
        ("error-rate", AlertConditionKind.ErrorRate),
        ("rate", AlertConditionKind.Rate),
        ("queue", AlertConditionKind.Queue),
        ("certificate-expiry", AlertConditionKind.CertificateExpiry));

    private static readonly string[] Operators = [">", ">=", "<", "<="];

    /// <summary>The words the grammar knows, for error messages.</summary>
    public const string Expected =
        "expected one of server-down, pool-down, peer-lost, became-master, primary-down, predicted-overload, " +
        "or METRIC OP VALUE with METRIC one of node-cpu, process-cpu, node-memory, server-cpu, p50, p99, error-rate, rate, queue, certificate-expiry " +
        "and OP one of >, >=, <, <= (e.g. 'p99 > 250ms')";

    /// <summary>True when the condition compares a measured value (as opposed to a state).</summary>
    public bool IsComparison => Operator is not null;

    /// <summary>True when <paramref name="value"/> meets the comparison.</summary>
    public bool Holds(double value) => Operator switch
    {
        ">" => value > Threshold,
        ">=" => value >= Threshold,
        "<" => value < Threshold,
        "<=" => value <= Threshold,
        _ => false,
    };

    public static bool TryParse(string? text, out AlertCondition? condition, out string error)
    {
        condition = null;
        error = "";
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 1 && States.TryGetValue(parts[0], out var state))
        {
            condition = new AlertCondition(state, null, 0, parts[0]);
            return true;
        }
        if (parts.Length == 1 && Metrics.TryGetValue(parts[0], out var bare))
        {
            error = $"'{parts[0]}' needs a comparison, e.g. '{parts[0]} > {Example(bare)}'";
            return false;
        }
        if (parts.Length != 3 || !Metrics.TryGetValue(parts[0], out var kind))
        {
            error = $"unknown condition '{text}'; {Expected}";
            return false;
        }
        if (Array.IndexOf(Operators, parts[1]) < 0)
        {
            error = $"unknown operator '{parts[1]}'; expected >, >=, < or <=";
            return false;
        }
        if (!TryValue(kind, parts[2], out var threshold, out error))
        {
            return false;
        }
        condition = new AlertCondition(kind, parts[1], threshold, string.Join(' ', parts));
        return true;
    }

    private static string Example(AlertConditionKind kind) => kind switch
    {
        AlertConditionKind.P50 or AlertConditionKind.P99 => "250ms",
        AlertConditionKind.ErrorRate => "5%",
        AlertConditionKind.NodeMemory => "512MB",
        AlertConditionKind.Queue or AlertConditionKind.Rate => "100",
        AlertConditionKind.CertificateExpiry => "14d",
        _ => "80",
    };

    private static bool TryValue(AlertConditionKind kind, string text, out double value, out string error)
    {
        error = "";
        value = 0;
        switch (kind)
        {
            case AlertConditionKind.P50 or AlertConditionKind.P99:
                if (Duration.TryParse(text, out var duration) && duration > TimeSpan.Zero)
                {
                    value = duration.TotalSeconds;
                    return true;
                }
                error = $"bad latency '{text}'; write a duration such as 250ms or 1.5s";
                return false;
            case AlertConditionKind.ErrorRate:
                if (!text.EndsWith('%'))
                {
                    error = $"bad error rate '{text}'; write a percent such as 5%";
                    return false;
                }
                return Percent(text, out value, out error);
            case AlertConditionKind.NodeCpu or AlertConditionKind.ProcessCpu or AlertConditionKind.ServerCpu:
                return Percent(text, out value, out error);
            case AlertConditionKind.Queue:
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var queued))
                {
                    value = queued;
                    return true;
                }
                error = $"bad queue length '{text}'; write a whole number of requests such as 100";
                return false;
            case AlertConditionKind.NodeMemory:
                return Bytes(text, out value, out error);
            case AlertConditionKind.CertificateExpiry:
                return Days(text, out value, out error);
            default:
                if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
                {
                    return true;
                }
                error = $"bad rate '{text}'; write requests per second such as 500";
                return false;
        }
    }

    /// <summary>A duration in seconds; days (<c>14d</c>) besides the usual units, since certificates live for months.</summary>
    private static bool Days(string text, out double value, out string error)
    {
        error = "";
        if (text.EndsWith('d') && double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var days) && days > 0)
        {
            value = days * 86_400;
            return true;
        }
        if (Duration.TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            value = duration.TotalSeconds;
            return true;
        }
        value = 0;
        error = $"bad time to expiry '{text}'; write a duration such as 14d or 336h";
        return false;
    }

    private static bool Percent(string text, out double value, out string error)
    {
        error = "";
        var number = text.EndsWith('%') ? text[..^1] : text;
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && value <= 100)
        {
            return true;
        }
        error = $"bad percent '{text}'; write 0..100, e.g. 70 or 70%";
        return false;
    }

    private static bool Bytes(string text, out double value, out string error)
    {
        error = "";
        var (number, scale) = text switch
        {
            _ when text.EndsWith("GB", StringComparison.Ordinal) => (text[..^2], 1024d * 1024 * 1024),
            _ when text.EndsWith("MB", StringComparison.Ordinal) => (text[..^2], 1024d * 1024),
            _ when text.EndsWith("KB", StringComparison.Ordinal) => (text[..^2], 1024d),
            _ => (text, 1d),
        };
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            value *= scale;
            return true;
        }
        error = $"bad size '{text}'; write bytes or KB, MB, GB, e.g. 512MB";
        return false;
    }
}
