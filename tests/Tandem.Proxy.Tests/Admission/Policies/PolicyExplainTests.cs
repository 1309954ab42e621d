using System.Net;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>
/// <c>/api/explain</c>'s "would this request be allowed, and why not", asked of a running proxy's routes: each policy and
/// check in order, up to the first refusal, with nothing spent or counted.
/// </summary>
public sealed class PolicyExplainTests : IAsyncLifetime
{
    private readonly TestKeys _keys = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("tandem-explain-").FullName;
    private TestBackend _backend = null!;
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync()
    {
        var jwks = Path.Combine(_directory, "jwks.json");
        await File.WriteAllTextAsync(jwks, _keys.Jwks());
        _backend = await TestBackend.StartAsync("a");
        _proxy = await StartAsync(_backend, $"""
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: app
                trusted-proxies: [127.0.0.0/8]
                routes:
                  - name: admin
                    match: {"{"} path: /admin {"}"}
                    pool: app
                    policy: [office, api]
                  - name: mtls
                    match: {"{"} path: /mtls {"}"}
                    pool: app
                    policy: ops
                  - name: ext
                    match: {"{"} path: /ext {"}"}
                    pool: app
                    policy: outside
            pools:
              - name: app
                servers:
                  - address: {_backend.Address}
            policies:
              - name: office
                allow: [10.0.0.0/8]
                deny: [10.9.0.0/16]
              - name: api
                jwt:
                  issuer: {TestKeys.Issuer}
                  audience: {TestKeys.Audience}
                  jwks-file: {jwks}
                  algorithms: [RS256]
                rate-limit: {"{"} key: ip, rate: 1/s, burst: 1 {"}"}
              - name: ops
                client-certificate: {"{"} subject: ["CN=ops*"], san: ["*.ops.example.com"] {"}"}
              - name: outside
                forward-auth: {"{"} url: "http://127.0.0.1:9/auth" {"}"}
            """);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _backend.DisposeAsync();
        _keys.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<ProxyHarness> StartAsync(TestBackend backend, string yaml)
    {
        var loaded = ConfigLoader.Parse(yaml, "test.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));
        // Any port the config accepts; the harness binds an ephemeral one.
        var config = loaded.Config!;
        return await ProxyHarness.StartAsync(config with { Listeners = [config.Listeners[0] with { Bind = new HostPort("127.0.0.1", 0) }] });
    }

    private async Task<AccessExplanation> AccessAsync(string path, string? client = null, string? token = null, ExplainedCertificate? certificate = null,
        string? forwardedFor = null)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (token is not null)
        {
            headers.Add(new("Authorization", TestKeys.Bearer(token)));
        }
        if (forwardedFor is not null)
        {
            headers.Add(new("X-Forwarded-For", forwardedFor));
        }
        var explanation = await _proxy.Runtime.ExplainRouteAsync(new RouteQuery("web", "example.com", path, "GET", headers, [],
            client is null ? null : IPAddress.Parse(client), certificate));
        Assert.NotNull(explanation);
        return Assert.IsType<AccessExplanation>(explanation.Access);
    }

    [Fact]
    public async Task Explain_AllPoliciesPass_AllowedWithEachCheck()
    {
        var access = await AccessAsync("/admin/users", client: "10.1.2.3", token: _keys.Token());

        Assert.True(access.Allowed);
        Assert.Null(access.Status);
        Assert.Equal("10.1.2.3", access.Client);
        Assert.Equal(["office", "api"], access.Policies.Select(p => p.Name));
        var office = Assert.Single(access.Policies[0].Checks);
        Assert.Equal(("cidr", "allow"), (office.Check, office.Result));
        Assert.Equal("10.1.2.3 is in allow [10.0.0.0/8] and not in deny [10.9.0.0/16]", office.Detail);
        Assert.Equal([("jwt", "allow"), ("rate-limit", "allow")], access.Policies[1].Checks.Select(c => (c.Check, c.Result)));
        Assert.Contains("1 per 1 s, burst 1 per client address; explain spends no token", access.Policies[1].Checks[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_SpendsAndCountsNothing()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await AccessAsync("/admin", client: "10.1.2.3", token: _keys.Token())).Allowed);
        }
        Assert.False((await AccessAsync("/admin", client: "10.9.0.1")).Allowed);

        var report = _proxy.Runtime.PolicyReport();
        foreach (var policy in report.Policies)
        {
            Assert.Equal(0, policy.Allowed);
            Assert.Empty(policy.Denied);
        }
        Assert.Equal(0, report.RateLimitKeys);
    }

    [Fact]
    public async Task Explain_DeniedRange_403NamesTheRangeAndStopsThere()
    {
        var access = await AccessAsync("/admin", client: "10.9.1.1", token: _keys.Token());

        Assert.False(access.Allowed);
        Assert.Equal(403, access.Status);
        var policy = Assert.Single(access.Policies);
        Assert.False(policy.Allowed);
        var check = Assert.Single(policy.Checks);
        Assert.Equal(("deny", "cidr-deny", "10.9.1.1 is in deny [10.9.0.0/16]"), (check.Result, check.Reason, check.Detail));
    }

    [Fact]
    public async Task Explain_OutsideAllowList_403()
    {
        var access = await AccessAsync("/admin", client: "192.0.2.1");

        Assert.False(access.Allowed);
        var check = Assert.Single(Assert.Single(access.Policies).Checks);
        Assert.Equal(("cidr", "192.0.2.1 is not in allow [10.0.0.0/8]"), (check.Reason, check.Detail));
    }

    [Fact]
    public async Task Explain_ExpiredTokenWithoutClient_401AndTheAddressCheckUnknown()
    {
        var access = await AccessAsync("/admin", token: _keys.Token(expires: DateTime.UtcNow.AddMinutes(-10), notBefore: DateTime.UtcNow.AddMinutes(-20)));

        Assert.False(access.Allowed);
        Assert.Equal(401, access.Status);
        Assert.Null(access.Client);
        Assert.Null(access.Policies[0].Allowed);
        Assert.Equal("unknown", access.Policies[0].Checks[0].Result);
        Assert.StartsWith("give client=ADDRESS", access.Policies[0].Checks[0].Detail, StringComparison.Ordinal);
        var jwt = Assert.Single(access.Policies[1].Checks);
        Assert.Equal(("deny", "jwt-expired", "the token has expired"), (jwt.Result, jwt.Reason, jwt.Detail));
    }

    [Theory]
    [InlineData(null, "jwt-missing")]
    [InlineData("wrong-audience", "jwt-audience")]
    [InlineData("hs256", "jwt-signature")]
    public async Task Explain_BadToken_401WithTheReason(string? kind, string reason)
    {
        var token = kind switch
        {
            "wrong-audience" => _keys.Token(audience: "someone-else"),
            "hs256" => _keys.HmacWithPublicKey(),
            _ => null,
        };

        var access = await AccessAsync("/admin", client: "10.1.2.3", token: token);

        Assert.False(access.Allowed);
        Assert.Equal(401, access.Status);
        Assert.Equal(reason, access.Policies[1].Checks[0].Reason);
    }

    [Fact]
    public async Task Explain_ValidTokenWithoutClient_Undecided()
    {
        var access = await AccessAsync("/admin", token: _keys.Token());

        Assert.Null(access.Allowed);
        Assert.Null(access.Status);
    }

    [Fact]
    public async Task Explain_TrustedProxy_ChecksTheForwardedAddress()
    {
        var access = await AccessAsync("/admin", client: "127.0.0.1", token: _keys.Token(), forwardedFor: "10.9.4.4");

        Assert.Equal("10.9.4.4", access.Client);
        Assert.False(access.Allowed);
    }

    [Fact]
    public async Task Explain_ClientCertificate_DescribedPartsCompared()
    {
        var good = await AccessAsync("/mtls", certificate: new ExplainedCertificate("CN=ops-1, O=Example", ["a.ops.example.com"], null));
        var badSubject = await AccessAsync("/mtls", certificate: new ExplainedCertificate("CN=dev", ["a.ops.example.com"], null));
        var badSan = await AccessAsync("/mtls", certificate: new ExplainedCertificate("CN=ops-1", ["www.example.com"], null));
        var none = await AccessAsync("/mtls");

        Assert.True(good.Allowed);
        Assert.False(badSubject.Allowed);
        Assert.Equal("subject 'CN=dev' matches none of [CN=ops*]", badSubject.Policies[0].Checks[0].Detail);
        Assert.False(badSan.Allowed);
        Assert.Equal("no subject alternative name of [www.example.com] matches [*.ops.example.com]", badSan.Policies[0].Checks[0].Detail);
        Assert.False(none.Allowed);
        Assert.Equal("cert-missing", none.Policies[0].Checks[0].Reason);
    }

    [Fact]
    public async Task Explain_ForwardAuth_UnknownWithoutCallingTheService()
    {
        var access = await AccessAsync("/ext", client: "10.1.2.3");

        Assert.Null(access.Allowed);
        var check = Assert.Single(Assert.Single(access.Policies).Checks);
        Assert.Equal(("forward-auth", "unknown"), (check.Check, check.Result));
        Assert.Equal("the auth service http://127.0.0.1:9/auth decides; explain does not call it", check.Detail);
    }

    [Fact]
    public async Task Explain_RouteWithoutPolicy_AllowedWithNothingChecked()
    {
        var access = await AccessAsync("/other", client: "192.0.2.1");

        Assert.True(access.Allowed);
        Assert.Empty(access.Policies);
    }

    [Fact]
    public async Task Explain_DefaultDeny_RouteWithoutPolicyRefused()
    {
        await using var proxy = await StartAsync(_backend, $"""
            default-policy: deny
            listeners:
              - name: web
                bind: 127.0.0.1:18080
                pool: app
            pools:
              - name: app
                servers:
                  - address: {_backend.Address}
            """);

        var explanation = await proxy.Runtime.ExplainRouteAsync(new RouteQuery("web", "example.com", "/", "GET", [], [], IPAddress.Loopback));

        var access = explanation!.Access!;
        Assert.False(access.Allowed);
        Assert.Equal(403, access.Status);
        var check = Assert.Single(Assert.Single(access.Policies).Checks);
        Assert.Equal(("deny", "default-deny", "default-policy is deny and the route names no policy"), (check.Check, check.Reason, check.Detail));
    }
}
