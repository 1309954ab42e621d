using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Forecasting.Planning;

namespace Tandem.Forecasting.Tests.Planning;

public sealed class ScaleActionRunnerTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 9, 45, 0, TimeSpan.Zero);
    private static readonly ScaleRequest Request = new("app", 123.4567, 50, 4, At, "out");

    [Fact]
    public async Task RunAsync_Command_GetsPoolServersAndPeakAsArgumentsAndEnvironment()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "out.txt");
        using var http = new HttpClient();
        var runner = new ScaleActionRunner(http, TimeProvider.System);
        var command = $"printf '%s|%s|%s|%s|%s|%s\\n' \"$TANDEM_POOL\" \"$TANDEM_SERVERS_NEEDED\" \"$TANDEM_PREDICTED_PEAK\" \"$TANDEM_DIRECTION\" > {output}; echo";

        var outcome = await runner.RunAsync(new ScaleAction(ScaleActionKind.Command, command + " args", TimeSpan.FromSeconds(20)), Request, CancellationToken.None);

        Assert.True(outcome.Ok, outcome.Description);
        Assert.Equal("scale-out command exited 0", outcome.Description);
        Assert.Equal("app|4|123.457|out", (await File.ReadAllTextAsync(output)).Trim()[..17]);
    }

    [Fact]
    public async Task RunAsync_CommandArguments_PoolServersPeak()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "args.txt");
        using var http = new HttpClient();
        var runner = new ScaleActionRunner(http, TimeProvider.System);

        var outcome = await runner.RunAsync(new ScaleAction(ScaleActionKind.Command, $"echo > {output}; printf '%s ' >> {output}", TimeSpan.FromSeconds(20)), Request, CancellationToken.None);

        Assert.True(outcome.Ok, outcome.Description);
        Assert.Equal("app 4 123.457", (await File.ReadAllTextAsync(output)).Trim());
    }

    [Fact]
    public async Task RunAsync_CommandFails_ReportedWithItsError()
    {
        using var http = new HttpClient();
        var runner = new ScaleActionRunner(http, TimeProvider.System);

        var outcome = await runner.RunAsync(new ScaleAction(ScaleActionKind.Command, "echo no capacity left >&2; exit 3; true"), Request, CancellationToken.None);

        Assert.False(outcome.Ok);
        Assert.Equal("scale-out command exited 3: no capacity left", outcome.Description);
    }

    [Fact]
    public async Task RunAsync_CommandRunsTooLong_KilledAtTheTimeout()
    {
        using var http = new HttpClient();
        var runner = new ScaleActionRunner(http, TimeProvider.System);
        var watch = Stopwatch.StartNew();

        var outcome = await runner.RunAsync(new ScaleAction(ScaleActionKind.Command, "sleep 30; true", TimeSpan.FromMilliseconds(300)), Request, CancellationToken.None);

        Assert.False(outcome.Ok);
        Assert.Equal("scale-out command killed after 300ms", outcome.Description);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task RunAsync_Webhook_PostsThePredictionAsJson()
    {
        string? body = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPost("/scale", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync();
            return Results.Ok();
        });
        await app.StartAsync();
        var url = app.Urls.First() + "/scale";
        using var http = new HttpClient();
        var runner = new ScaleActionRunner(http, TimeProvider.System);

        var outcome = await runner.RunAsync(new ScaleAction(ScaleActionKind.Webhook, url), Request, CancellationToken.None);

        Assert.True(outcome.Ok, outcome.Description);
        Assert.Equal($"scale-out webhook {url} answered 200", outcome.Description);
        using var json = JsonDocument.Parse(body!);
        Assert.Equal("app", json.RootElement.GetProperty("pool").GetString());
        Assert.Equal(123.457, json.RootElement.GetProperty("predictedPeak").GetDouble());
        Assert.Equal(50, json.RootElement.GetProperty("capacity").GetDouble());
        Assert.Equal(4, json.RootElement.GetProperty("serversNeeded").GetInt32());
        Assert.Equal(At, json.RootElement.GetProperty("at").GetDateTimeOffset());
        await app.StopAsync();
    }

    [Fact]
    public async Task RunAsync_WebhookRefused_ReportedNotThrown()
    {
        using var http = new HttpClient();
        var runner = new ScaleActionRunner(http, TimeProvider.System);

        var outcome = await runner.RunAsync(new ScaleAction(ScaleActionKind.Webhook, "http://127.0.0.1:1/scale", TimeSpan.FromSeconds(5)), Request, CancellationToken.None);

        Assert.False(outcome.Ok);
        Assert.StartsWith("scale-out webhook http://127.0.0.1:1/scale failed: ", outcome.Description, StringComparison.Ordinal);
    }
}
