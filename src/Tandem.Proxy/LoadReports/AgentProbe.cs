using System.Globalization;
using Microsoft.Extensions.Logging;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Proxy.LoadReports;

/// <summary>
/// Polls one server's load agent on its own interval: GET http://HOST:PORT/PATH, body <c>42</c>, <c>42%</c> or
/// <c>weight=N</c>. One request at a time, each bounded by the agent timeout. A report counts while it is at most
/// three intervals (and at least three weight ticks) old. Concurrency: the report is swapped atomically.
/// </summary>
internal sealed partial class AgentProbe
{
    private readonly ServerState _server;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _uri;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _freshFor;
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;
    private volatile Stamped? _last;
    private bool _failing;

    public AgentProbe(ServerState server, AgentConfig config, HttpClient client, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        _server = server;
        Config = config;
        _client = client;
        _time = time;
        _logger = logger;
        _uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{server.Address.HostForUri()}:{config.Port ?? server.Address.Port}{config.Path}"));
        _interval = config.Interval ?? ConfigDefaults.AgentInterval;
        _timeout = config.Timeout ?? ConfigDefaults.AgentTimeout;
        _freshFor = 3 * (_interval > DynamicWeightsService.Tick ? _interval : DynamicWeightsService.Tick);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _loop = RunAsync(_stop.Token);
    }

    public AgentConfig Config { get; }

    /// <summary>The last report if it is still fresh; null otherwise.</summary>
    public AgentReport? FreshReport()
    {
        var last = _last;
        return last is not null && _time.GetElapsedTime(last.Timestamp) <= _freshFor ? last.Report : null;
    }

    public void Stop() => _stop.Cancel();

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            do
            {
                await ProbeAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            using var response = await _client.GetAsync(_uri, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var report = response.IsSuccessStatusCode ? AgentReport.TryParse(body.AsSpan(0, Math.Min(body.Length, 64))) : null;
            if (report is null)
            {
                Failed($"answered {(int)response.StatusCode} '{Shorten(body)}', expected a load 0-100 or weight=N");
                return;
            }
            _last = new Stamped(report, _time.GetTimestamp());
            _failing = false;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Failed(ex is OperationCanceledException ? $"did not answer within {_timeout.TotalMilliseconds:0} ms" : ex.Message);
        }
    }

    /// <summary>Logs the first failure of a run of failures, not every probe.</summary>
    private void Failed(string why)
    {
        if (!_failing)
        {
            _failing = true;
            Log.AgentFailed(_logger, _server.Name, _uri, why);
        }
    }

    private static string Shorten(string body) => body.Length <= 40 ? body.Trim() : body[..40].Trim() + "...";

    private sealed record Stamped(AgentReport Report, long Timestamp);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Load agent of server {Server} at {Uri} {Why}; using measured load only until it answers")]
        public static partial void AgentFailed(ILogger logger, string server, Uri uri, string why);
    }
}
