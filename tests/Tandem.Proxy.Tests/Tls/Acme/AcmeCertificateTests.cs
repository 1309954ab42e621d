using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Config;
using Tandem.Proxy.Tls.Acme;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Tls.Acme;

/// <summary>The ordering loop on a fake clock: when it orders, renews and retries, with a fake order in place of pebble.</summary>
public sealed class AcmeCertificateTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly AcmeConfig Config = new() { Directory = new Uri("https://acme.test/dir"), Domains = ["a.test"] };

    private readonly FakeTimeProvider _time = new(Start);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("tandem-acme-unit-").FullName;
    private readonly List<DateTimeOffset> _orders = [];
    private int _failuresLeft;

    /// <summary>A certificate valid 30 days from now (fake clock), as a CA would issue it.</summary>
    private Task<AcmeIssued> OrderAsync(CancellationToken cancellationToken)
    {
        lock (_orders)
        {
            _orders.Add(_time.GetUtcNow());
        }
        if (_failuresLeft > 0)
        {
            _failuresLeft--;
            throw new AcmeProblemException("urn:ietf:params:acme:error:connection", "cannot reach a.test");
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=a.test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("a.test");
        request.CertificateExtensions.Add(san.Build());
        var now = _time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now, now.AddDays(30));
        return Task.FromResult(new AcmeIssued(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem()));
    }

    private int Orders
    {
        get
        {
            lock (_orders)
            {
                return _orders.Count;
            }
        }
    }

    private AcmeCertificate Create() =>
        new(Config, new AcmeFiles(_dataDir, Config), OrderAsync, new AcmeNameClaims(), _time, () => 0.5, NullLogger.Instance);

    /// <summary>Moves the fake clock to <paramref name="at"/>, then on in steps until <paramref name="orders"/> orders were made (bounded).</summary>
    private async Task AdvanceUntilOrdersAsync(DateTimeOffset at, int orders)
    {
        await SettleAsync();
        if (at > _time.GetUtcNow())
        {
            _time.SetUtcNow(at);
        }
        for (var i = 0; i < 200 && Orders < orders; i++)
        {
            await Task.Delay(10);
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }
        Assert.Equal(orders, Orders);
        await SettleAsync();
    }

    /// <summary>Real time for the loop to reach its next wait.</summary>
    private static Task SettleAsync() => Task.Delay(100);

    [Fact]
    public async Task Run_NothingStored_OrdersAtOnceThenRenewsAtTwoThirdsOfTheLifetime()
    {
        await using var certificate = Create();
        certificate.Start();

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(certificate.Progress.LastIssued is not null), TimeSpan.FromSeconds(10)));
        Assert.Equal(Start, _orders[0]);
        Assert.Equal(Start.AddDays(20), certificate.Progress.NextAttempt);
        Assert.Null(certificate.Progress.LastError);

        await AdvanceUntilOrdersAsync(Start.AddDays(20).AddSeconds(-1), 1);
        await AdvanceUntilOrdersAsync(Start.AddDays(20), 2);

        Assert.InRange(_orders[1], Start.AddDays(20), Start.AddDays(20).AddSeconds(2));
    }

    [Fact]
    public async Task Run_OrdersFail_RetriedAfterTenThenTwentySecondsWithTheErrorShown()
    {
        _failuresLeft = 2;
        await using var certificate = Create();
        certificate.Start();

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(certificate.Progress.LastError is not null), TimeSpan.FromSeconds(10)));
        Assert.Equal("cannot reach a.test (urn:ietf:params:acme:error:connection)", certificate.Progress.LastError);
        Assert.Equal(Start.AddSeconds(10), certificate.Progress.NextAttempt);
        await AdvanceUntilOrdersAsync(Start.AddSeconds(10), 2);
        var second = _orders[1];
        Assert.Equal(second.AddSeconds(20), certificate.Progress.NextAttempt);
        await AdvanceUntilOrdersAsync(second.AddSeconds(20), 3);

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(certificate.Progress.LastError is null), TimeSpan.FromSeconds(10)));
        Assert.NotNull(certificate.Progress.LastIssued);
    }

    [Fact]
    public async Task Start_CertificateStored_ServedWithoutAnOrder()
    {
        await using (var first = Create())
        {
            first.Start();
            Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(first.Progress.LastIssued is not null), TimeSpan.FromSeconds(10)));
        }

        await using var second = Create();
        second.Start();
        await SettleAsync();

        Assert.Equal(1, Orders);
        Assert.Equal(Start.AddDays(20), second.Progress.NextAttempt);
    }

    [Theory]
    [InlineData(1, 0.5, 10)]
    [InlineData(2, 0.5, 20)]
    [InlineData(4, 0, 64)]
    [InlineData(50, 0.5, 6 * 3600)]
    [InlineData(50, 0.999999, 6 * 3600 * 1.2)]
    public void Backoff_Failures_DoublesFromTenSecondsBoundedAtSixHoursWithJitter(int failures, double random, double seconds)
    {
        Assert.Equal(seconds, AcmeSchedule.Backoff(failures, random).TotalSeconds, precision: 0);
    }

    [Fact]
    public void Claims_NameInFlight_SecondCertificateWithThatNameWaits()
    {
        var claims = new AcmeNameClaims();

        Assert.True(claims.TryClaim(["a.test", "www.a.test"]));
        Assert.False(claims.TryClaim(["www.a.test"]));
        Assert.True(claims.TryClaim(["b.test"]));
        claims.Release(["a.test", "www.a.test"]);
        Assert.True(claims.TryClaim(["www.a.test"]));
    }

    [Fact]
    public void AlpnCertificate_KeyAuthorization_CriticalAcmeIdentifierWithItsSha256()
    {
        var challenge = AlpnChallengeCertificate.Create("a.test", "token.thumb", _time);

        var leaf = challenge.Context.TargetCertificate;
        var extension = leaf.Extensions[AlpnChallengeCertificate.AcmeIdentifierOid]!;
        Assert.True(extension.Critical);
        // DER OCTET STRING of 32 bytes: 04 20, then the digest.
        Assert.Equal([0x04, 0x20, .. SHA256.HashData("token.thumb"u8)], extension.RawData);
        Assert.Equal(["a.test"], leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
