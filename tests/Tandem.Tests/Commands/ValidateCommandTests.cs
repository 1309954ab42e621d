using Tandem.Core.Config;
using Tandem.Tests.Support;

namespace Tandem.Tests.Commands;

public sealed class ValidateCommandTests
{
    [Fact]
    public async Task Validate_GoodFile_Exits0WithOneLineSummary()
    {
        const string Yaml = """
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: app
            pools:
              - name: app
                algorithm: weighted-round-robin
                servers:
                  - address: 127.0.0.1:9001
                    weight: 5
                  - address: 127.0.0.1:9002
                    weight: 3

            """;
        using var file = new TempConfigFile(Yaml);

        using var tandem = await TandemProcess.RunToExitAsync("validate", "--config", file.Path);

        Assert.Equal(0, tandem.ExitCode);
        Assert.Equal([$"{file.Path}: valid: 1 listener, 1 pool, 2 servers (version {ConfigLoader.VersionOf(Yaml)})"], tandem.StdoutLines);
        Assert.Empty(tandem.StderrLines);
    }

    [Fact]
    public async Task Validate_PlainAdminOffLoopback_Exits0WithWarningNamingKeyAndLine()
    {
        const string Yaml = """
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: app
            admin:
              bind: 0.0.0.0:19090
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001

            """;
        using var file = new TempConfigFile(Yaml);

        using var tandem = await TandemProcess.RunToExitAsync("validate", "--config", file.Path);

        Assert.Equal(0, tandem.ExitCode);
        Assert.Equal([$"warning: {file.Path}:6:9: admin.bind: 0.0.0.0:19090 is not a loopback address and admin has no tls: the dashboard, "
            + "the API and the admin token cross the network in plain text; add admin.tls (see README, HTTPS)"], tandem.StderrLines);
    }

    [Fact]
    public async Task Validate_DefaultDeny_SummaryListsClosedListeners()
    {
        const string Yaml = """
            default-policy: deny
            policies:
              - name: lan
                allow: [10.0.0.0/8]
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: app
                policy: lan
              - name: internal
                bind: 127.0.0.1:18081
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001

            """;
        using var file = new TempConfigFile(Yaml);

        using var tandem = await TandemProcess.RunToExitAsync("validate", "--config", file.Path);

        Assert.Equal(0, tandem.ExitCode);
        Assert.Equal([$"{file.Path}: valid: 2 listeners, 1 pool, 1 server (version {ConfigLoader.VersionOf(Yaml)}); default-policy deny closes: internal"],
            tandem.StdoutLines);
    }

    [Fact]
    public async Task Validate_FileWithThreeProblems_Exits2WithOneLinePerProblemOnStderr()
    {
        using var file = new TempConfigFile("""
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: missing
            pools:
              - name: app
                algorithm: fastest
                servers:
                  - address: 127.0.0.1:9001
                  - address: 127.0.0.1:9002
                    weight: 300

            """);

        using var tandem = await TandemProcess.RunToExitAsync("validate", "-c", file.Path);

        Assert.Equal(2, tandem.ExitCode);
        Assert.Equal(
            [
                $"{file.Path}:4:11: listeners[0].pool: unknown pool 'missing'; defined pools: app",
                $"{file.Path}:7:16: pools[0].algorithm: unknown algorithm 'fastest'; expected one of round-robin, weighted-round-robin, least-connections, ip-hash, dynamic-weighted, p2c, peak-ewma, random",
                $"{file.Path}:11:17: pools[0].servers[1].weight: must be 1..256, got 300",
            ],
            tandem.StderrLines);
        Assert.Empty(tandem.StdoutLines);
    }

    [Fact]
    public async Task Validate_ServerNameThatDoesNotResolve_Exits2NamingTheAddress()
    {
        // .invalid never resolves (RFC 6761), with or without a network.
        using var file = new TempConfigFile("""
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                  - address: app.invalid:8080

            """);

        using var tandem = await TandemProcess.RunToExitAsync("validate", "--config", file.Path);

        Assert.Equal(2, tandem.ExitCode);
        var line = Assert.Single(tandem.StderrLines);
        Assert.StartsWith($"{file.Path}:9:18: pools[0].servers[1].address: name 'app.invalid' does not resolve (", line, StringComparison.Ordinal);
        Assert.EndsWith("); fix it, or add 'resolve: runtime' to the server to wait for it while running", line, StringComparison.Ordinal);
        Assert.Empty(tandem.StdoutLines);
    }

    [Fact]
    public async Task Validate_UnresolvableNameResolvedAtRuntime_Exits0()
    {
        using var file = new TempConfigFile("""
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: app
            pools:
              - name: app
                servers:
                  - address: app.invalid:8080
                    resolve: runtime

            """);

        using var tandem = await TandemProcess.RunToExitAsync("validate", "--config", file.Path);

        Assert.Equal(0, tandem.ExitCode);
        Assert.Empty(tandem.StderrLines);
    }

    [Fact]
    public async Task Validate_MissingFile_Exits2SayingTheFileCannotBeRead()
    {
        var path = Path.Combine(Path.GetTempPath(), "tandem-tests-" + Guid.NewGuid().ToString("N"), "absent.yaml");

        using var tandem = await TandemProcess.RunToExitAsync("validate", "--config", path);

        Assert.Equal(2, tandem.ExitCode);
        var line = Assert.Single(tandem.StderrLines);
        Assert.StartsWith($"{path}:1:1: cannot read config: ", line, StringComparison.Ordinal);
        Assert.Contains(path, line[(path.Length + 1)..], StringComparison.Ordinal);
        Assert.Empty(tandem.StdoutLines);
    }

    [Fact]
    public async Task Validate_WithoutConfigOption_Exits2WithUsageHint()
    {
        using var tandem = await TandemProcess.RunToExitAsync("validate");

        Assert.Equal(2, tandem.ExitCode);
        Assert.Equal(["tandem: Option '--config' is required.", "Run 'tandem --help' for usage."], tandem.StderrLines);
    }
}
