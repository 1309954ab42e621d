using System.Globalization;

namespace Tandem.Core.Config.Sections.Forecast;

/// <summary>A pool's <c>scale-ahead</c>: how far ahead, past which share of capacity, and what to do.</summary>
internal static class ScaleAheadBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Lead = Keys.Add("lead"),
        Threshold = Keys.Add("threshold"),
        Actions = Keys.Add("actions");

    public static ScaleAheadConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var lead = reader.Duration(map, path, Lead);
        if (lead is { } l && l > TimeSpan.FromHours(24))
        {
            reader.Problem(ConfigReader.Value(map, Lead)!, Lead.At(path), "must be at most 24h (the forecast's reach)");
            lead = null;
        }
        double? threshold = null;
        var thresholdOk = true;
        if (reader.Scalar(ConfigReader.Value(map, Threshold), Threshold.At(path)) is { } t)
        {
            threshold = ParsePercent(t.Text);
            if (threshold is null)
            {
                reader.Problem(t, Threshold.At(path), $"expected a percentage 1%..100% such as 80%, got '{t.Text}'");
                thresholdOk = false;
            }
        }
        var actions = new List<ScaleAction>();
        var actionsOk = true;
        var actionsPath = Actions.At(path);
        if (reader.Sequence(ConfigReader.Value(map, Actions), actionsPath) is { } sequence)
        {
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                var action = ScaleActionBinder.Bind(reader, sequence.Items[i], ConfigReader.Item(actionsPath, i));
                if (action is null)
                {
                    actionsOk = false;
                }
                else
                {
                    actions.Add(action);
                }
            }
        }
        else if (ConfigReader.Value(map, Actions) is not null)
        {
            actionsOk = false;
        }
        if (!thresholdOk || !actionsOk || (ConfigReader.Value(map, Lead) is not null && lead is null))
        {
            return null;
        }
        return new ScaleAheadConfig { Lead = lead, Threshold = threshold, Actions = actions };
    }

    /// <summary><c>80%</c> as 0.8 (1%..100%); null when malformed or out of range.</summary>
    private static double? ParsePercent(string? text)
    {
        if (text is null || !text.EndsWith('%'))
        {
            return null;
        }
        if (!double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value < 1 || value > 100)
        {
            return null;
        }
        return value / 100;
    }
}
