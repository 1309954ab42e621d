using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Tandem.Observability.Alerts;

/// <summary>
/// Posts alert notifications to every webhook in the Alertmanager webhook format. Each webhook has its own bounded
/// queue and sender loop, so a slow or dead one delays only itself; <see cref="Enqueue"/> never blocks (a full queue
/// drops its oldest notification and counts it). A failed post (connection error, timeout, non-2xx) is retried with
/// exponential backoff up to <see cref="WebhookOptions.Attempts"/> attempts.
/// Concurrency: <see cref="Enqueue"/> from any thread; one loop per webhook.
/// </summary>
public sealed class AlertNotifier : IAsyncDisposable
{
    private readonly List<WebhookSender> _senders = [];
    private readonly HttpClient _client;

    public AlertNotifier(IReadOnlyList<Uri> webhooks, string externalUrl, TimeProvider time, ILogger logger, AlertMetrics? metrics = null, WebhookOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        options ??= new WebhookOptions();
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = options.Timeout })
        {
            Timeout = options.Timeout,
        };
        foreach (var webhook in webhooks)
        {
            _senders.Add(new WebhookSender(webhook, externalUrl, _client, time, logger, metrics, options));
        }
    }

    public int Webhooks => _senders.Count;

    public void Enqueue(AlertNotice notice)
    {
        foreach (var sender in _senders)
        {
            sender.Enqueue(notice);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders)
        {
            await sender.StopAsync();
            sender.Dispose();
        }
        _client.Dispose();
    }

    private sealed class WebhookSender : IDisposable
    {
        private readonly Uri _url;
        private readonly string _name;
        private readonly string _externalUrl;
        private readonly HttpClient _client;
        private readonly TimeProvider _time;
        private readonly ILogger _logger;
        private readonly AlertMetrics? _metrics;
        private readonly WebhookOptions _options;
        private readonly Channel<AlertNotice> _queue;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public WebhookSender(Uri url, string externalUrl, HttpClient client, TimeProvider time, ILogger logger, AlertMetrics? metrics, WebhookOptions options)
        {
            _url = url;
            _name = url.ToString();
            _externalUrl = externalUrl;
            _client = client;
            _time = time;
            _logger = logger;
            _metrics = metrics;
            _options = options;
            _queue = Channel.CreateBounded<AlertNotice>(new BoundedChannelOptions(options.QueueSize)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            }, _ => Dropped());
            _loop = Task.Run(() => RunAsync(_stop.Token));
        }

        public void Enqueue(AlertNotice notice) => _queue.Writer.TryWrite(notice);

        private void Dropped()
        {
            _metrics?.Notification("dropped");
            AlertsLog.Dropped(_logger, _name);
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var notice in _queue.Reader.ReadAllAsync(cancellationToken))
                {
                    await SendAsync(notice, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        private async Task SendAsync(AlertNotice notice, CancellationToken cancellationToken)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(AlertJsonContext.Payload(notice, _externalUrl), AlertJsonContext.Default.WebhookPayload);
            var delay = _options.FirstBackoff;
            for (var attempt = 1; ; attempt++)
            {
                string error;
                try
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await _client.PostAsync(_url, content, cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        _metrics?.Notification("sent");
                        AlertsLog.Sent(_logger, notice.Status, notice.Fingerprint, _name, attempt);
                        return;
                    }
                    error = $"HTTP {(int)response.StatusCode}";
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    error = ex is TaskCanceledException ? $"no answer within {_options.Timeout}" : ex.Message;
                }
                if (attempt >= _options.Attempts)
                {
                    _metrics?.Notification("failed");
                    AlertsLog.GaveUp(_logger, notice.Status, notice.Fingerprint, _name, attempt, error);
                    return;
                }
                _metrics?.Notification("retried");
                AlertsLog.Retrying(_logger, _name, attempt, _options.Attempts, error, delay);
                await Task.Delay(delay, _time, cancellationToken);
                delay = delay * 2 < _options.MaxBackoff ? delay * 2 : _options.MaxBackoff;
            }
        }

        public async Task StopAsync()
        {
            _queue.Writer.TryComplete();
            await _stop.CancelAsync();
            await _loop;
        }

        public void Dispose() => _stop.Dispose();
    }
}

/// <summary>Delivery settings of the webhooks.</summary>
public sealed record WebhookOptions
{
    /// <summary>Attempts per notification, the first included (default 5).</summary>
    public int Attempts { get; init; } = 5;

    /// <summary>The wait after the first failure, doubled after each further one (default 1 s).</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts (default 30 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take (default 5 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Notifications waiting per webhook before the oldest is dropped (default 256).</summary>
    public int QueueSize { get; init; } = 256;
}
