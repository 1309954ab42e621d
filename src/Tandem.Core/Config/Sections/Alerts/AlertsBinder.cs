namespace Tandem.Core.Config.Sections.Alerts;

/// <summary>The <c>alerts</c> section: webhooks, how often rules are evaluated, and the rules (<see cref="AlertRuleBinder"/>).</summary>
internal static class AlertsBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Webhook = Keys.Add("webhook"),
        EvaluateEvery = Keys.Add("evaluate-every"),
        Node = Keys.Add("node"),
        Rules = Keys.Add("rules");

    public static AlertsConfig? Bind(ConfigReader reader, YamlNode node, string path, IReadOnlyList<PoolConfig>? pools)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var complete = true;
        var webhooks = new List<Uri>();
        if (ConfigReader.Value(map, Webhook) is { } webhookNode)
        {
            var items = webhookNode is YamlSequence list ? list.Items : [webhookNode];
            for (var i = 0; i < items.Count; i++)
            {
                var itemPath = webhookNode is YamlSequence ? ConfigReader.Item(Webhook.At(path), i) : Webhook.At(path);
                var text = reader.Scalar(items[i], itemPath)?.Text;
                if (text is null)
                {
                    complete = false;
                }
                else if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                {
                    webhooks.Add(uri);
                }
                else
                {
                    reader.Problem(items[i], itemPath, $"bad webhook URL '{text}'; expected http:// or https:// and a host");
                    complete = false;
                }
            }
        }
        var every = reader.Duration(map, path, EvaluateEvery);
        if (every is { } e && (e < TimeSpan.FromMilliseconds(100) || e > TimeSpan.FromMinutes(1)))
        {
            reader.Problem(ConfigReader.Value(map, EvaluateEvery)!, EvaluateEvery.At(path), "must be 100ms..1m");
            complete = false;
        }
        var nodeName = reader.String(map, path, Node);
        List<AlertRuleConfig>? rules = null;
        if (ConfigReader.Value(map, Rules) is { } rulesNode)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            rules = ConfigValues.List(reader, rulesNode, Rules.At(path), "must list at least one rule (leave out 'rules' for the default rules)",
                (n, p) => AlertRuleBinder.Bind(reader, n, p, names, pools));
            complete &= rules is not null;
        }
        return complete ? new AlertsConfig { Webhooks = webhooks, EvaluateEvery = every, Node = nodeName, Rules = rules } : null;
    }
}
