using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Observability.Admin;
using Tandem.Observability.Alerts;
using Tandem.Observability.Metrics;
using Tandem.Testing;

namespace Tandem.Observability.Tests.Tls;

public sealed class TlsStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static TlsCertificateStatus Certificate(string name, TimeSpan left, string source = TlsCertificateSources.File, string? error = null) =>
        new(name, [name, "www." + name], source, Now.AddDays(-60), Now + left, Now.AddHours(-1), source == TlsCertificateSources.Acme ? Now.AddDays(20) : null, error);

    [Fact]
    public async Task Scrape_TwoListeners_ExpirySecondsPerNameTheEarliestWins()
    {
        var time = new FakeTimeProvider(Now);
        var metrics = new TandemMetrics(time);
        var status = new TlsStatus();
        status.Observe(() =>
        [
            new TlsListenerStatus("web", [Certificate("a.example", TimeSpan.FromDays(30)), Certificate("b.example", TimeSpan.FromDays(5))]),
            new TlsListenerStatus("api", [Certificate("a.example", TimeSpan.FromDays(10))]),
        ]);
        TlsMetrics.Observe(metrics, status, time);

        var samples = await ScrapeAsync(metrics);

        Assert.Equal(10 * 86_400, samples["tandem_tls_certificate_expiry_seconds{name=\"a.example\"}"]);
        Assert.Equal(5 * 86_400, samples["tandem_tls_certificate_expiry_seconds{name=\"b.example\"}"]);
    }

    [Fact]
    public async Task Scrape_CertificateGone_SeriesGoes()
    {
        var time = new FakeTimeProvider(Now);
        var metrics = new TandemMetrics(time);
        var status = new TlsStatus();
        IReadOnlyList<TlsListenerStatus> listeners = [new TlsListenerStatus("web", [Certificate("a.example", TimeSpan.FromDays(30))])];
        status.Observe(() => listeners);
        TlsMetrics.Observe(metrics, status, time);
        await ScrapeAsync(metrics);
        listeners = [];

        var samples = await ScrapeAsync(metrics);

        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("tandem_tls_", StringComparison.Ordinal));
    }

    [Fact]
    public void Soonest_MoreNamesThanTheBound_KeepsTheSoonestToExpire()
    {
        var certificates = Enumerable.Range(0, TlsMetrics.MaxNames + 50)
            .Select(i => Certificate($"n{i}.example", TimeSpan.FromHours(i + 1))).ToList();

        var soonest = TlsMetrics.Soonest([new TlsListenerStatus("web", certificates)], Now);

        Assert.Equal(TlsMetrics.MaxNames, soonest.Count);
        Assert.Contains("n0.example", soonest.Keys);
        Assert.DoesNotContain($"n{TlsMetrics.MaxNames}.example", soonest.Keys);
    }

    [Fact]
    public void TlsView_FileAndPendingAcme_ListsNamesSourceExpiryAndNextAttempt()
    {
        IReadOnlyList<TlsListenerStatus> listeners =
        [
            new TlsListenerStatus("web",
            [
                Certificate("a.example", TimeSpan.FromDays(30)),
                new TlsCertificateStatus("b.example", ["b.example"], TlsCertificateSources.Acme, null, null, null, Now.AddSeconds(40), "pebble said no"),
            ]),
        ];

        using var body = JsonDocument.Parse(JsonSerializer.Serialize(TlsView.From(listeners, Now), TlsJsonContext.Relaxed.TlsView));

        var listener = Assert.Single(body.RootElement.GetProperty("listeners").EnumerateArray());
        Assert.Equal("web", listener.GetProperty("name").GetString());
        var certificates = listener.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Equal(("a.example", "file", 30d * 86_400), (certificates[0].GetProperty("name").GetString(), certificates[0].GetProperty("source").GetString(),
            certificates[0].GetProperty("expiresInSeconds").GetDouble()));
        Assert.Equal(["a.example", "www.a.example"], certificates[0].GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(Now + TimeSpan.FromDays(30), certificates[0].GetProperty("notAfter").GetDateTimeOffset());
        Assert.Equal(Now.AddHours(-1), certificates[0].GetProperty("lastReload").GetDateTimeOffset());
        Assert.Equal(("acme", JsonValueKind.Null, "pebble said no"), (certificates[1].GetProperty("source").GetString(),
            certificates[1].GetProperty("notAfter").ValueKind, certificates[1].GetProperty("lastError").GetString()));
        Assert.Equal(Now.AddSeconds(40), certificates[1].GetProperty("nextAttempt").GetDateTimeOffset());
    }

    [Fact]
    public void TlsView_OcspStates_WrittenPerCertificate()
    {
        IReadOnlyList<TlsListenerStatus> listeners =
        [
            new TlsListenerStatus("web",
            [
                Certificate("a.example", TimeSpan.FromDays(30)) with
                {
                    Ocsp = TlsOcspStates.Stapled, OcspResponder = "http://ocsp.example", OcspValidUntil = Now.AddHours(12),
                },
                Certificate("b.example", TimeSpan.FromDays(30)) with { Ocsp = TlsOcspStates.NoResponder },
            ]),
        ];

        using var body = JsonDocument.Parse(JsonSerializer.Serialize(TlsView.From(listeners, Now), TlsJsonContext.Relaxed.TlsView));

        var certificates = body.RootElement.GetProperty("listeners")[0].GetProperty("certificates");
        Assert.Equal(("stapled", "http://ocsp.example", Now.AddHours(12)), (certificates[0].GetProperty("ocsp").GetString(),
            certificates[0].GetProperty("ocspResponder").GetString(), certificates[0].GetProperty("ocspValidUntil").GetDateTimeOffset()));
        Assert.Equal(("no-responder", JsonValueKind.Null, JsonValueKind.Null), (certificates[1].GetProperty("ocsp").GetString(),
            certificates[1].GetProperty("ocspResponder").ValueKind, certificates[1].GetProperty("ocspValidUntil").ValueKind));
    }

    [Fact]
    public void Evaluate_DefaultRules_CertificateWithinFourteenDaysWarnsWithItsName()
    {
        var time = new FakeTimeProvider(Now);
        var status = new TlsStatus();
        status.Observe(() => [new TlsListenerStatus("web", [Certificate("soon.example", TimeSpan.FromDays(13)), Certificate("later.example", TimeSpan.FromDays(15))])]);
        using var engine = new AlertEngine(new AlertSources { Tls = status, Time = time }, time, NullLogger.Instance);
        engine.Configure(new AlertsConfig { Node = "n1" }, null);

        engine.Evaluate();

        var firing = Assert.Single(engine.View().Firing);
        Assert.Equal(("CertificateExpiresSoon", "warning", "soon.example"), (firing.Labels["alertname"], firing.Labels["severity"], firing.Labels["certificate"]));
        Assert.Equal("TLS certificate soon.example expires in 13 days (certificate-expiry < 14d)", firing.Description);
    }

    private static async Task<Dictionary<string, double>> ScrapeAsync(TandemMetrics metrics)
    {
        using var buffer = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(buffer);
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
