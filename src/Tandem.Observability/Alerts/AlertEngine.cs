using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;

namespace Tandem.Observability.Alerts;

/// <summary>
/// Evaluates the alert rules on a <see cref="TimeProvider"/> timer, off the request path, and keeps every alert's
/// lifecycle per rule and label set: a condition that starts to hold makes it pending; after the rule's <c>for</c> it
/// fires (at once when <c>for</c> is 0); a condition that clears while pending returns it to inactive without any
/// notification; a firing alert resolves once the condition has been clear for <c>keep-firing-for</c> (default 0).
/// Firing and resolved transitions go to <see cref="Notified"/> (the webhooks); every transition is logged once.
/// Concurrency: <see cref="Evaluate"/> runs on the timer (or a test) under one lock that readers of the views share.
/// </summary>
public sealed class AlertEngine : IDisposable
{
    /// <summary>Transitions kept for <c>GET /api/alerts</c>.</summary>
    public const int RecentLength = 50;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AlertEvaluator _evaluator;
    private readonly AlertMetrics? _metrics;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Rule, string Key), ActiveAlert> _active = [];
    private readonly LinkedList<AlertView> _recent = new();
    private readonly List<AlertMatch> _matches = [];
    private IReadOnlyList<AlertRuleConfig> _rules;
    private string _node;
    private ITimer? _timer;
    private TimeSpan _interval;

    public AlertEngine(AlertSources sources, TimeProvider time, ILogger logger, AlertMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _evaluator = new AlertEvaluator(sources);
        _rules = AlertDefaults.Rules;
        _node = Environment.MachineName;
        _interval = ConfigDefaults.AlertEvaluateEvery;
    }

    /// <summary>Raised for every firing and resolved transition, on the evaluator's thread; handlers must not block.</summary>
    public event Action<AlertNotice>? Notified;

    public IReadOnlyList<AlertRuleConfig> Rules => _rules;

    /// <summary>The <c>node</c> label.</summary>
    public string Node => _node;

    /// <summary>
    /// Takes the rules of <paramref name="alerts"/> (the defaults when it has none) and the node label
    /// (<c>alerts.node</c>, else <paramref name="pairNode"/>, else the host name). Alerts of rules that are gone or
    /// changed are resolved.
    /// </summary>
    public void Configure(AlertsConfig? alerts, string? pairNode)
    {
        lock (_gate)
        {
            var rules = alerts?.Rules ?? AlertDefaults.Rules;
            _node = alerts?.Node ?? (string.IsNullOrEmpty(pairNode) ? Environment.MachineName : pairNode);
            var now = _time.GetUtcNow();
            foreach (var key in _active.Keys.ToList())
            {
                var alert = _active[key];
                if (!rules.Contains(alert.Rule))
                {
                    End(key, alert, now, "rule changed");
                }
            }
            _rules = rules;
            var interval = alerts?.EvaluateEvery ?? ConfigDefaults.AlertEvaluateEvery;
            if (interval != _interval)
            {
                _interval = interval;
                _timer?.Change(interval, interval);
            }
        }
    }

    public void Start() => _timer ??= _time.CreateTimer(_ => Tick(), null, _interval, _interval);

    private void Tick()
    {
        try
        {
            Evaluate();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AlertsLog.EvaluationFailed(_logger, ex);
        }
    }

    /// <summary>One evaluation of every rule. Called by the timer; public for tests on a fake clock.</summary>
    public void Evaluate()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var seen = new HashSet<(string, string)>();
            foreach (var rule in _rules)
            {
                _matches.Clear();
                _evaluator.Collect(rule, _matches);
                foreach (var match in _matches)
                {
                    var key = (rule.Name, match.Pool + "\u001f" + match.Server + "\u001f" + match.Certificate);
                    seen.Add(key);
                    if (!_active.TryGetValue(key, out var alert))
                    {
                        alert = new ActiveAlert(rule, Labels(rule, match), now, match);
                        _active[key] = alert;
                        Record(alert, AlertStates.Pending, now);
                        AlertsLog.Pending(_logger, rule.Name, alert.LabelText, match.Description);
                    }
                    alert.Match = match;
                    alert.LastTrue = now;
                    if (alert.State == AlertStates.Pending && now - alert.Since >= rule.For - Jitter)
                    {
                        alert.State = AlertStates.Firing;
                        alert.Since = now;
                        Record(alert, AlertStates.Firing, now);
                        AlertsLog.Firing(_logger, rule.Name, AlertLevels.Name(rule.Level), alert.LabelText, match.Description);
                        _metrics?.Firing(rule, +1);
                        Notify(alert, AlertStates.Firing, null);
                    }
                }
            }
            foreach (var (key, alert) in _active.ToList())
            {
                if (seen.Contains(key))
                {
                    continue;
                }
                if (alert.State == AlertStates.Pending)
                {
                    _active.Remove(key);
                    Record(alert, AlertStates.Inactive, now);
                    AlertsLog.Cleared(_logger, alert.Rule.Name, alert.LabelText);
                }
                else if (now - alert.LastTrue >= alert.Rule.KeepFiringFor - Jitter)
                {
                    End(key, alert, now, "condition cleared");
                }
            }
        }
    }

    /// <summary>
    /// Timers may fire a little early: without this slack a <c>for</c> of exactly N evaluation intervals would often
    /// take N+1, as the evaluation due at N came a millisecond short of it.
    /// </summary>
    private TimeSpan Jitter => _interval / 20;

    private void End((string, string) key, ActiveAlert alert, DateTimeOffset now, string why)
    {
        _active.Remove(key);
        if (alert.State != AlertStates.Firing)
        {
            Record(alert, AlertStates.Inactive, now);
            return;
        }
        var started = alert.Since;
        alert.State = AlertStates.Resolved;
        alert.Since = now;
        Record(alert, AlertStates.Resolved, now);
        AlertsLog.Resolved(_logger, alert.Rule.Name, alert.LabelText, why, now - started);
        _metrics?.Firing(alert.Rule, -1);
        Notify(alert, AlertStates.Resolved, started);
    }

    /// <summary>The alerts for <c>GET /api/alerts</c>.</summary>
    public AlertsView View()
    {
        lock (_gate)
        {
            var firing = new List<AlertView>();
            var pending = new List<AlertView>();
            foreach (var alert in _active.Values)
            {
                (alert.State == AlertStates.Firing ? firing : pending).Add(ToView(alert, alert.State, alert.Since));
            }
            firing.Sort((a, b) => b.Since.CompareTo(a.Since));
            pending.Sort((a, b) => b.Since.CompareTo(a.Since));
            return new AlertsView(firing, pending, [.. _recent]);
        }
    }

    private void Notify(ActiveAlert alert, string status, DateTimeOffset? startedAt)
    {
        var notice = status == AlertStates.Firing
            ? new AlertNotice(status, alert.Labels, Summary(alert), alert.Match.Description, alert.Since, null, alert.Fingerprint)
            : new AlertNotice(status, alert.Labels, Summary(alert), alert.Match.Description, startedAt!.Value, alert.Since, alert.Fingerprint);
        Notified?.Invoke(notice);
    }

    private void Record(ActiveAlert alert, string state, DateTimeOffset at)
    {
        _recent.AddFirst(ToView(alert, state, at));
        while (_recent.Count > RecentLength)
        {
            _recent.RemoveLast();
        }
    }

    private static AlertView ToView(ActiveAlert alert, string state, DateTimeOffset since) =>
        new(alert.Rule.Name, AlertLevels.Name(alert.Rule.Level), alert.Labels, state, since, alert.Match.Value, Summary(alert), alert.Match.Description);

    private static string Summary(ActiveAlert alert) => alert.Rule.Summary ?? alert.Match.Description;

    private SortedDictionary<string, string> Labels(AlertRuleConfig rule, AlertMatch match)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertname"] = rule.Name,
            ["severity"] = AlertLevels.Name(rule.Level),
            ["node"] = _node,
        };
        if (match.Pool is not null)
        {
            labels["pool"] = match.Pool;
        }
        if (match.Server is not null)
        {
            labels["server"] = match.Server;
        }
        if (match.Certificate is not null)
        {
            labels["certificate"] = match.Certificate;
        }
        return labels;
    }

    private static string Describe(IReadOnlyDictionary<string, string> labels)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in labels)
        {
            text.Append(text.Length == 0 ? "" : ",").Append(name).Append("=\"").Append(value).Append('"');
        }
        return text.ToString();
    }

    /// <summary>Alertmanager's fingerprint is a hash of the label set; this is the first 8 bytes of its SHA-256, in hex.</summary>
    internal static string Fingerprint(IReadOnlyDictionary<string, string> labels) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Describe(labels))).AsSpan(0, 8));

    public void Dispose()
    {
        _timer?.Dispose();
        _evaluator.Dispose();
    }

    private sealed class ActiveAlert(AlertRuleConfig rule, SortedDictionary<string, string> labels, DateTimeOffset since, AlertMatch match)
    {
        public AlertRuleConfig Rule { get; } = rule;

        public IReadOnlyDictionary<string, string> Labels { get; } = labels;

        public string Fingerprint { get; } = AlertEngine.Fingerprint(labels);

        public string LabelText { get; } = Describe(labels);

        public string State { get; set; } = AlertStates.Pending;

        public DateTimeOffset Since { get; set; } = since;

        public DateTimeOffset LastTrue { get; set; } = since;

        public AlertMatch Match { get; set; } = match;
    }
}
