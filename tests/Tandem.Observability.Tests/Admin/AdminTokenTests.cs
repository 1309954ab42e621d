using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tandem.Core.Config;
using Tandem.Observability.Admin;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Admin;

public sealed class AdminTokenTests
{
    private const string Token = "t0ken-for-tests";
    private const string Drain = """{"state":"draining"}""";

    [Fact]
    public async Task PostServer_NoToken_401WithJsonError()
    {
        await using var admin = await AdminHarness.StartAsync(access: new AdminAccess(false, Token));

        using var response = await SendAsync(admin, HttpMethod.Post, "api/pools/app/servers/a", null, Drain);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"tandem\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("\"error\":\"this request needs the admin token: send Authorization: Bearer TOKEN (admin.token-file)\"",
            await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("up", admin.Server("app", "a").StateName);
    }

    [Theory]
    [InlineData("API/pools/app/servers/a")]
    [InlineData("Api/Pools/app/servers/a")]
    [InlineData("api//pools/app/servers/a")]
    public async Task PostServer_PathSpelledDifferently_StillNeedsToken(string path)
    {
        await using var admin = await AdminHarness.StartAsync(access: new AdminAccess(false, Token));

        using var response = await SendAsync(admin, HttpMethod.Post, path, null, Drain);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("up", admin.Server("app", "a").StateName);
    }

    [Theory]
    [InlineData("METRICS")]
    [InlineData("API/pools")]
    public async Task Get_NonLoopbackPathSpelledDifferently_StillNeedsToken(string path)
    {
        await using var admin = await AdminHarness.StartAsync(access: new AdminAccess(true, Token));

        using var response = await SendAsync(admin, HttpMethod.Get, path, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PostServer_WrongToken_401()
    {
        await using var admin = await AdminHarness.StartAsync(access: new AdminAccess(false, Token));

        using var response = await SendAsync(admin, HttpMethod.Post, "api/pools/app/servers/a", Token + "x", Drain);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("the admin token does not match", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("up", admin.Server("app", "a").StateName);
    }

    [Fact]
    public async Task PostServer_RightToken_200AndApplied()
    {
        await using var admin = await AdminHarness.StartAsync(access: new AdminAccess(false, Token));

        using var response = await SendAsync(admin, HttpMethod.Post, "api/pools/app/servers/a", Token, Drain);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("draining", admin.Server("app", "a").StateName);
    }

    [Fact]
    public async Task PostServer_NoTokenConfigured_Open()
    {
        await using var admin = await AdminHarness.StartAsync(access: AdminAccess.Open);

        using var response = await SendAsync(admin, HttpMethod.Post, "api/pools/app/servers/a", null, Drain);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("api/pools")]
    [InlineData("api/status")]
    [InlineData("api/live/history")]
    [InlineData("metrics")]
    [InlineData("")]
    public async Task Get_LoopbackBindWithToken_ReadsStayOpen(string path)
    {
        await using var admin = await AdminHarness.StartAsync(access: new AdminAccess(false, Token));

        using var response = await SendAsync(admin, HttpMethod.Get, path, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("api/pools", HttpStatusCode.Unauthorized)]
    [InlineData("api/live/history", HttpStatusCode.Unauthorized)]
    [InlineData("api/live", HttpStatusCode.Unauthorized)]
    [InlineData("metrics", HttpStatusCode.Unauthorized)]
    [InlineData("", HttpStatusCode.OK)]
    [InlineData("dashboard/dashboard.js", HttpStatusCode.OK)]
    [InlineData("healthz", HttpStatusCode.OK)]
    public async Task Get_NonLoopbackBindWithoutToken_DataNeedsTheToken(string path, HttpStatusCode expected)
    {
        await using var admin = await AdminHarness.StartAsync(access: new AdminAccess(true, Token));

        using var response = await SendAsync(admin, HttpMethod.Get, path, null);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Get_NonLoopbackBindWithToken_200()
    {
        await using var admin = await AdminHarness.StartAsync(access: new AdminAccess(true, Token));

        using var pools = await SendAsync(admin, HttpMethod.Get, "api/pools", Token);
        using var metrics = await SendAsync(admin, HttpMethod.Get, "metrics", Token);

        Assert.Equal(HttpStatusCode.OK, pools.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("0.0.0.0", true)]
    [InlineData("10.99.0.1", true)]
    public void For_TokenFile_ReadsNeedTheTokenOffLoopback(string ip, bool readsNeedToken)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Token + "\n");
            var access = AdminAccess.For(new AdminConfig { Bind = new HostPort(ip, 9090), TokenFile = file });

            Assert.True(access.HasToken);
            Assert.Equal(readsNeedToken, access.ReadsNeedToken);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void For_NoTokenFile_Open()
    {
        var access = AdminAccess.For(new AdminConfig { Bind = new HostPort("0.0.0.0", 9090) });

        Assert.False(access.HasToken);
    }

    private static async Task<HttpResponseMessage> SendAsync(AdminHarness admin, HttpMethod method, string path, string? token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        return await admin.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
