using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tandem.Core.Config;

namespace Tandem.Forecasting.Planning;

/// <summary>
/// Webhooks: <c>POST</c> of <c>{"pool","predictedPeak","capacity","serversNeeded","at","direction"}</c> as JSON; any
/// 2xx is success. Commands: run by <c>/bin/sh -c</c> with the pool, servers needed and predicted peak (requests/s) as
/// arguments <c>$1 $2 $3</c> and as <c>TANDEM_POOL</c>, <c>TANDEM_SERVERS_NEEDED</c>, <c>TANDEM_PREDICTED_PEAK</c>,
/// <c>TANDEM_CAPACITY</c>, <c>TANDEM_DIRECTION</c>; exit 0 is success. Both are bounded by the action's <c>timeout</c>
/// (default 10 s): a command still running then is killed with its children.
/// Concurrency: thread-safe (one shared <see cref="HttpClient"/>).
/// </summary>
public sealed class ScaleActionRunner(HttpClient http, TimeProvider time) : IScaleActions
{
    public async Task<PlannedAction> RunAsync(ScaleAction action, ScaleRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(request);
        var timeout = action.Timeout ?? ConfigDefaults.ScaleActionTimeout;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        return action.Kind switch
        {
            ScaleActionKind.Webhook => await WebhookAsync(action.Target!, request, timeout, bounded.Token, cancellationToken),
            ScaleActionKind.Command => await CommandAsync(action.Target!, request, timeout, bounded.Token, cancellationToken),
            _ => new PlannedAction(time.GetUtcNow(), "wake-backups is not an outside action", false),
        };
    }

    private async Task<PlannedAction> WebhookAsync(string url, ScaleRequest request, TimeSpan timeout, CancellationToken bounded, CancellationToken outer)
    {
        try
        {
            using var content = new StringContent(Body(request), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(url), content, bounded);
            var ok = response.IsSuccessStatusCode;
            return new PlannedAction(time.GetUtcNow(), string.Create(CultureInfo.InvariantCulture,
                $"scale-{request.Direction} webhook {url} answered {(int)response.StatusCode}"), ok);
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            return new PlannedAction(time.GetUtcNow(), $"scale-{request.Direction} webhook {url} timed out after {Duration.Format(timeout)}", false);
        }
        catch (HttpRequestException ex)
        {
            return new PlannedAction(time.GetUtcNow(), $"scale-{request.Direction} webhook {url} failed: {ex.Message}", false);
        }
    }

    /// <summary>The webhook's JSON body.</summary>
    internal static string Body(ScaleRequest request)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("pool", request.Pool);
            writer.WriteNumber("predictedPeak", Math.Round(request.PredictedPeak, 3));
            writer.WriteNumber("capacity", Math.Round(request.Capacity, 3));
            writer.WriteNumber("serversNeeded", request.ServersNeeded);
            writer.WriteString("at", request.At);
            writer.WriteString("direction", request.Direction);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private async Task<PlannedAction> CommandAsync(string command, ScaleRequest request, TimeSpan timeout, CancellationToken bounded, CancellationToken outer)
    {
        var needed = request.ServersNeeded.ToString(CultureInfo.InvariantCulture);
        var peak = request.PredictedPeak.ToString("0.###", CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", command + " \"$@\"", "tandem-scale", request.Pool, needed, peak })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["TANDEM_POOL"] = request.Pool;
        start.Environment["TANDEM_SERVERS_NEEDED"] = needed;
        start.Environment["TANDEM_PREDICTED_PEAK"] = peak;
        start.Environment["TANDEM_CAPACITY"] = request.Capacity.ToString("0.###", CultureInfo.InvariantCulture);
        start.Environment["TANDEM_DIRECTION"] = request.Direction;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new PlannedAction(time.GetUtcNow(), $"scale-{request.Direction} command failed to start: {ex.Message}", false);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(outer);
            var error = process.StandardError.ReadToEndAsync(outer);
            try
            {
                await process.WaitForExitAsync(bounded);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                return new PlannedAction(time.GetUtcNow(),
                    outer.IsCancellationRequested ? $"scale-{request.Direction} command cancelled" : $"scale-{request.Direction} command killed after {Duration.Format(timeout)}", false);
            }
            await Task.WhenAll(output, error);
            var tail = (await error).Trim();
            tail = tail.Length > 200 ? tail[^200..] : tail;
            return new PlannedAction(time.GetUtcNow(), string.Create(CultureInfo.InvariantCulture,
                $"scale-{request.Direction} command exited {process.ExitCode}{(tail.Length > 0 && process.ExitCode != 0 ? ": " + tail : "")}"), process.ExitCode == 0);
        }
    }
}
