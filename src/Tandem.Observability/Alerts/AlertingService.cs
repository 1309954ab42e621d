using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Observability.Metrics;
using Tandem.Observability.Resources;

namespace Tandem.Observability.Alerts;

/// <summary>
/// The node's alerting, composed: the resources sampler, the rule engine and the webhook notifier, with their metrics.
/// The node starts it after its first config, hands it every applied config, and disposes it on shutdown.
/// Concurrency: <see cref="StartAsync"/>, <see cref="ConfigureAsync"/> and <see cref="DisposeAsync"/> from the node's
/// config path, one at a time; the engine and sampler run on their own timers.
/// </summary>
public sealed class AlertingService : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AlertMetrics _metrics;
    private readonly WebhookOptions? _webhookOptions;
    private volatile AlertNotifier? _notifier;
    private IReadOnlyList<Uri> _webhooks = [];
    private string _externalUrl = "";

    public AlertingService(TandemMetrics metrics, PoolRegistry pools, PairHealth pair, ForecastSignals forecast, TimeProvider time,
        ILoggerFactory loggerFactory, WebhookOptions? webhookOptions = null, TlsStatus? tls = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _time = time;
        _logger = loggerFactory.CreateLogger("Tandem.Alerts");
        _webhookOptions = webhookOptions;
        Resources = new NodeResources(time);
        Resources.Export(metrics.Registry);
        AgentLoadMetrics.Export(metrics.Registry, pools);
        _metrics = new AlertMetrics(metrics.Registry);
        Engine = new AlertEngine(new AlertSources { Pools = pools, Live = metrics.Live, Resources = Resources, Pair = pair, Forecast = forecast, Tls = tls, Time = time },
            time, _logger, _metrics);
        Engine.Notified += notice => _notifier?.Enqueue(notice);
    }

    public NodeResources Resources { get; }

    public AlertEngine Engine { get; }

    /// <param name="config">The applied config.</param>
    /// <param name="externalUrl">The admin listener's URL, for the webhook body's externalURL and generatorURL.</param>
    public async Task StartAsync(TandemConfig config, string externalUrl)
    {
        _externalUrl = externalUrl;
        await ConfigureAsync(config);
        Resources.Start();
        Engine.Start();
    }

    /// <summary>Takes the rules, node label and webhooks of a newly applied config.</summary>
    public async Task ConfigureAsync(TandemConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Engine.Configure(config.Alerts, config.Pair?.Node);
        var webhooks = config.Alerts?.Webhooks ?? [];
        if (!webhooks.SequenceEqual(_webhooks) || (_notifier is null && webhooks.Count > 0))
        {
            var old = _notifier;
            _notifier = webhooks.Count == 0 ? null : new AlertNotifier(webhooks, _externalUrl, _time, _logger, _metrics, _webhookOptions);
            _webhooks = webhooks;
            if (old is not null)
            {
                await old.DisposeAsync();
            }
        }
        AlertsLog.Configured(_logger, Engine.Rules.Count, config.Alerts?.EvaluateEvery ?? ConfigDefaults.AlertEvaluateEvery,
            Engine.Node, webhooks.Count);
    }

    public async ValueTask DisposeAsync()
    {
        Engine.Dispose();
        Resources.Dispose();
        if (_notifier is { } notifier)
        {
            _notifier = null;
            await notifier.DisposeAsync();
        }
    }
}
