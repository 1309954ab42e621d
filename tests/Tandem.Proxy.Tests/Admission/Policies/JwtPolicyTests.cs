using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Tandem.Proxy.Admission.Policies;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>JWT bearer policies: tokens minted in the test with generated keys, and each abuse refused.</summary>
public sealed class JwtPolicyTests : IAsyncLifetime
{
    private readonly TestKeys _keys = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("tandem-jwt-").FullName;
    private TestBackend _backend = null!;
    private ProxyHarness _proxy = null!;

    private string JwksPath => Path.Combine(_directory, "jwks.json");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(JwksPath, _keys.Jwks());
        _backend = await TestBackend.StartAsync("a");
        _proxy = await PolicyProxy.StartAsync(_backend, "policy: api", $"""
            policies:
              - name: api
                jwt:
                  issuer: {TestKeys.Issuer}
                  audience: {TestKeys.Audience}
                  jwks-file: {JwksPath}
                  algorithms: [RS256, ES256]
                  claims: {"{"} role: admin, scope: write {"}"}
            """);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _backend.DisposeAsync();
        _keys.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Jwt_ValidRs256AndEs256Tokens_Served()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_keys.Token()));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_keys.Token(_keys.Ec, SecurityAlgorithms.EcdsaSha256)));
        Assert.Equal(2, _backend.Requests);
    }

    [Fact]
    public async Task Jwt_NoToken_401WithBearerChallenge()
    {
        using var response = await _proxy.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("jwt-missing", (await _proxy.LogEntriesAsync(1))[0].GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("none")]
    [InlineData("hs256-with-rsa-public-key")]
    [InlineData("expired")]
    [InlineData("not-yet-valid")]
    [InlineData("wrong-audience")]
    [InlineData("wrong-issuer")]
    [InlineData("malformed-base64")]
    [InlineData("oversized")]
    public async Task Jwt_AbusedToken_401AndNeverForwarded(string abuse)
    {
        var now = DateTime.UtcNow;
        var token = abuse switch
        {
            "none" => TestKeys.Unsigned(),
            "hs256-with-rsa-public-key" => _keys.HmacWithPublicKey(),
            "expired" => _keys.Token(expires: now.AddMinutes(-10), notBefore: now.AddMinutes(-20)),
            "not-yet-valid" => _keys.Token(notBefore: now.AddMinutes(10), expires: now.AddMinutes(20)),
            "wrong-audience" => _keys.Token(audience: "someone-else"),
            "wrong-issuer" => _keys.Token(issuer: "https://evil.test"),
            "malformed-base64" => "eyJhbGciOiJSUzI1NiJ9.!!!not-base64!!!.c2ln",
            _ => _keys.Token() + new string('A', 20_000),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(token));
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task Jwt_Expired_ReasonNamedInLogAndMetrics()
    {
        var now = DateTime.UtcNow;
        await StatusAsync(_keys.Token(expires: now.AddMinutes(-10), notBefore: now.AddMinutes(-20)));
        await StatusAsync(_keys.Token(audience: "other"));

        var entries = await _proxy.LogEntriesAsync(2);
        Assert.Equal(["jwt-expired", "jwt-audience"], entries.Select(e => e.GetProperty("reason").GetString()));
        var metrics = await _proxy.ScrapeAsync();
        Assert.Equal(1, metrics["tandem_policy_decisions_total{policy=\"api\",result=\"deny\",reason=\"jwt-expired\"}"]);
    }

    [Fact]
    public async Task Jwt_OneMegabyteToken_RefusedBeforeAnyServer()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('a', 1024 * 1024));

        using var response = await _proxy.Client.SendAsync(request);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, _backend.Requests);
    }

    [Fact]
    public async Task Jwt_ClaimMissing_403()
    {
        var token = _keys.Token(claims: new Dictionary<string, object> { ["scope"] = "read", ["role"] = "admin" });

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(token));
        Assert.Equal("jwt-claims", (await _proxy.LogEntriesAsync(1))[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Jwt_UnknownKid_OneRefreshThenRefused()
    {
        using var stranger = RSA.Create(2048);
        var key = new RsaSecurityKey(stranger) { KeyId = "rsa-9" };

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(_keys.Token(key)));
        }

        var check = _proxy.Runtime.Policies!.Policies.Single().Checks.OfType<JwtCheck>().Single();
        Assert.Equal(1, check.Keys.Refreshes);
        Assert.Equal("jwt-unknown-key", (await _proxy.LogEntriesAsync(1))[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Jwt_KeyAddedToFile_AcceptedAfterTheRefresh()
    {
        using var rotated = RSA.Create(2048);
        var key = new RsaSecurityKey(rotated) { KeyId = "rsa-2" };
        await File.WriteAllTextAsync(JwksPath, _keys.Jwks(TestKeys.PublicJwk(rotated, "rsa-2")));
        // Make the change visible to the write-time check even on a coarse file system clock.
        File.SetLastWriteTimeUtc(JwksPath, DateTime.UtcNow.AddSeconds(5));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_keys.Token(key)));
    }

    [Fact]
    public async Task JwksUrl_UnknownKidFlood_FetchesBounded()
    {
        var fetches = 0;
        var jwks = _keys.Jwks();
        await using var keyServer = await StartKeyServerAsync(() =>
        {
            Interlocked.Increment(ref fetches);
            return jwks;
        });
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await PolicyProxy.StartAsync(backend, "policy: api", $"""
            policies:
              - name: api
                jwt:
                  audience: {TestKeys.Audience}
                  jwks-url: {keyServer.Url}
                  algorithms: [RS256]
            """);
        using var stranger = RSA.Create(2048);

        var first = await StatusAsync(proxy, _keys.Token());
        Assert.True(first == HttpStatusCode.OK, string.Join("\n", proxy.Logs.Messages(LogLevel.Debug)));
        for (var i = 0; i < 20; i++)
        {
            var key = new RsaSecurityKey(stranger) { KeyId = "made-up-" + i };
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(proxy, _keys.Token(key)));
        }

        // The set fetched for the first token is fresh: the flood of made-up kids gets no fetch within the refresh interval (30 s).
        Assert.Equal(1, Volatile.Read(ref fetches));
    }

    [Fact]
    public async Task JwksUrl_KeyRotated_NewKidAcceptedAfterOneRefresh()
    {
        using var rotated = RSA.Create(2048);
        var jwks = _keys.Jwks();
        var fetches = 0;
        await using var keyServer = await StartKeyServerAsync(() =>
        {
            Interlocked.Increment(ref fetches);
            return Volatile.Read(ref jwks);
        });
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await PolicyProxy.StartAsync(backend, "policy: api", $"""
            policies:
              - name: api
                jwt:
                  jwks-url: {keyServer.Url}
                  algorithms: [RS256]
                  refresh-interval: 1ms
            """);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, _keys.Token()));

        Volatile.Write(ref jwks, _keys.Jwks(TestKeys.PublicJwk(rotated, "rsa-2")));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, _keys.Token(new RsaSecurityKey(rotated) { KeyId = "rsa-2" })));
        Assert.Equal(2, Volatile.Read(ref fetches));
    }

    private Task<HttpStatusCode> StatusAsync(string token) => StatusAsync(_proxy, token);

    private static async Task<HttpStatusCode> StatusAsync(ProxyHarness proxy, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("Authorization", TestKeys.Bearer(token));
        using var response = await proxy.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<KeyServer> StartKeyServerAsync(Func<string> jwks)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/jwks", () => Results.Text(jwks(), "application/json"));
        await app.StartAsync();
        var address = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()!.Addresses.First()
            : throw new InvalidOperationException("no server");
        return new KeyServer(app, new Uri(address + "/jwks"));
    }

    private sealed class KeyServer(WebApplication app, Uri url) : IAsyncDisposable
    {
        public Uri Url { get; } = url;

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
