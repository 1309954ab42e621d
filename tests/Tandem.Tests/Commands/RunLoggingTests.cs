using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.Tests.Support;
using Tandem.Testing;

namespace Tandem.Tests.Commands;

/// <summary>What a real <c>tandem run</c> writes to stderr: one line per event, no stack traces for expected failures.</summary>
public sealed partial class RunLoggingTests
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60); // generous: a start that fails does so at once; a loaded CI box can take long to JIT

    private static string DeadBackendYaml(int port, int adminPort, int deadPort, string extra = "") => $"""
        listeners:
          - name: web
            bind: 127.0.0.1:{port}
            pool: app
        admin:
          bind: 127.0.0.1:{adminPort}
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:{deadPort}
        {extra}
        """;

    private static async Task<(TandemProcess Tandem, int Port)> StartAsync(TempConfigFile file, string extra = "", IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = 0;
        var tandem = await TandemProcess.StartServingAsync(
            () =>
            {
                var ports = FreePorts.Take(3);
                port = ports[0];
                file.Rewrite(DeadBackendYaml(ports[0], ports[1], ports[2], extra));
                return ["run", "--config", file.Path, "--no-warmup"];
            },
            line => line.Contains("Tandem started", StringComparison.Ordinal),
            StartBound,
            environment);
        return (tandem, port);
    }

    private static async Task SendTenAsync(int port)
    {
        using var client = TestHttp.Client();
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            // 502 while the lone server is tried; 503 once passive checks have ejected it (the first ejection is never capped).
            Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"got {response.StatusCode}");
        }
    }

    [GeneratedRegex(@"\((\d+) similar lines suppressed\)|(\d+) more similar lines suppressed")]
    private static partial Regex Suppressed();

    [Fact]
    public async Task Run_TenRequestsToDeadBackend_AtMostTenLinesNoStackTraceAndEveryFoldCounted()
    {
        using var file = new TempConfigFile("");
        var (tandem, port) = await StartAsync(file);
        using (tandem)
        {
            var before = tandem.StderrLines.Count;
            await SendTenAsync(port);
            // Each request is one event: a 502 while the server is tried, a 503 once it is ejected. Each kind has its
            // own throttle, which reports what it folded one interval (1 s) after its last line: wait until every
            // request is accounted for, then check the lines.
            List<string> Lines() => tandem.StderrLines.Skip(before).Where(l => !l.Contains("Alert", StringComparison.Ordinal)).ToList();
            long Accounted(List<string> lines) =>
                lines.Count(l => l.Contains("connect failed: Connection refused; answered 502", StringComparison.Ordinal)
                    || l.Contains("has no usable server; answered 503", StringComparison.Ordinal))
                + lines.Sum(l => Suppressed().Match(l) is { Success: true } m
                    ? long.Parse(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
            await TestHttp.WaitUntilAsync(() => Task.FromResult(Accounted(Lines()) >= 10), TimeSpan.FromSeconds(10));

            var lines = Lines();
            Assert.InRange(lines.Count, 1, 10);
            Assert.DoesNotContain(lines, l => l.Contains(" at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("Yarp", StringComparison.Ordinal));
            Assert.True(Accounted(lines) == 10, tandem.Transcript());
        }
    }

    [Fact]
    public async Task Run_LogLevelFromEnvironment_OverridesTandemDefault()
    {
        using var file = new TempConfigFile("");
        // YARP's forwarder must carry the requests for its own lines to appear: the lean HTTP/1.1 path is switched off.
        var (tandem, port) = await StartAsync(file, environment: new Dictionary<string, string>
        {
            ["Logging__LogLevel__Yarp"] = "Information",
            ["TANDEM_HTTP11_UPSTREAM"] = "off",
        });
        using (tandem)
        {
            await SendTenAsync(port);

            Assert.True(await TestHttp.WaitUntilAsync(
                () => Task.FromResult(tandem.StderrLines.Any(l => l.Contains("Yarp.ReverseProxy.Forwarder.HttpForwarder", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(10)), tandem.Transcript());
        }
    }

    [Fact]
    public async Task Run_JsonFormat_OneJsonObjectPerLine()
    {
        using var file = new TempConfigFile("");
        var (tandem, port) = await StartAsync(file, "logging: {format: json}");
        using (tandem)
        {
            await SendTenAsync(port);
            Assert.True(await TestHttp.WaitUntilAsync(
                () => Task.FromResult(tandem.StderrLines.Any(l => l.Contains("connect failed", StringComparison.Ordinal))), TimeSpan.FromSeconds(10)));

            var lines = tandem.StderrLines.ToList();
            Assert.All(lines, l =>
            {
                using var json = JsonDocument.Parse(l);
                Assert.True(json.RootElement.TryGetProperty("Category", out _));
                Assert.True(json.RootElement.TryGetProperty("Message", out _));
            });
            Assert.Contains(lines, l => l.Contains("\"Category\":\"Tandem.Proxy.Forwarding.RequestForwarder\"", StringComparison.Ordinal));
            Assert.Empty(tandem.StdoutLines);
        }
    }

    [Fact]
    public async Task Run_AdminPortTaken_ClearMessageWithoutHostingStackTrace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var adminPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        var ports = FreePorts.Take(2);
        using var file = new TempConfigFile(DeadBackendYaml(ports[0], adminPort, ports[1]));

        using var tandem = await TandemProcess.RunToExitAsync("run", "--config", file.Path, "--no-warmup");

        Assert.Equal(1, tandem.ExitCode);
        // The data plane binds first (its start lines), then the admin listener fails: one line says so, no trace.
        Assert.DoesNotContain(tandem.StderrLines, l => l.Contains("   at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
        var line = Assert.Single(tandem.StderrLines, l => l.StartsWith("tandem: ", StringComparison.Ordinal));
        Assert.StartsWith($"tandem: admin listener cannot bind 127.0.0.1:{adminPort}: ", line, StringComparison.Ordinal);
        Assert.Contains("address already in use", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_DevZero_FailsAtOnceWithTheLimit()
    {
        using var tandem = await TandemProcess.RunToExitAsync("validate", "-c", "/dev/zero");

        Assert.Equal(2, tandem.ExitCode);
        Assert.Equal(["/dev/zero:1:1: cannot read config: larger than 16 MB, the most a config file may be"], tandem.StderrLines);
    }
}
