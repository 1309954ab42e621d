using System.Globalization;
using Microsoft.Extensions.Logging;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Proxy.LoadReports;

/// <summary>
/// Polls one server's load agent: GET http://HOST:PORT/PATH, body <c>42</c>, <c>42%</c> or <c>weight=N</c>.
/// At most one request in flight; each bounded by the agent timeout. Concurrency: the report is swapped atomically.
/// </summary>
internal sealed partial class AgentProbe(ServerState server, AgentConfig config, HttpClient client, TimeProvider time, ILogger logger)
{
    private readonly Uri _uri = new(string.Create(CultureInfo.InvariantCulture,
        $"http://{server.Address.HostForUri()}:{config.Port ?? server.Address.Port}{config.Path}"));
    private readonly TimeSpan _interval = config.Interval ?? ConfigDefaults.AgentInterval;
    private readonly TimeSpan _timeout = config.Timeout ?? ConfigDefaults.AgentTimeout;
    private volatile Stamped? _last;
    private long _nextDue;
    private int _running;
    private bool _failing;

    public AgentConfig Config => config;

    /// <summary>The last report if it is at most three intervals old.</summary>
    public AgentReport? FreshReport()
    {
        var last = _last;
        return last is not null && time.GetElapsedTime(last.Timestamp) <= _interval * 3 ? last.Report : null;
    }

    public void StartIfDue(CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (now < Volatile.Read(ref _nextDue) || Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }
        Volatile.Write(ref _nextDue, now + (long)(_interval.TotalSeconds * time.TimestampFrequency));
        _ = ProbeAsync(cancellationToken);
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            using var response = await client.GetAsync(_uri, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var report = response.IsSuccessStatusCode ? AgentReport.TryParse(body.AsSpan(0, Math.Min(body.Length, 64))) : null;
            if (report is null)
            {
                Failed($"answered {(int)response.StatusCode} '{Shorten(body)}', expected a load 0-100 or weight=N");
                return;
            }
            _last = new Stamped(report, time.GetTimestamp());
            _failing = false;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Failed(ex is OperationCanceledException ? $"did not answer within {_timeout.TotalMilliseconds:0} ms" : ex.Message);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Logs the first failure of a run of failures, not every probe.</summary>
    private void Failed(string why)
    {
        if (!_failing)
        {
            _failing = true;
            Log.AgentFailed(logger, server.Name, _uri, why);
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
