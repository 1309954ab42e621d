using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tandem.Core.Balancing;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Hosting;

/// <summary><c>admin.token-file</c> on a running node: changes need the token, reads stay open on loopback, reloads take a new token.</summary>
public sealed class AdminTokenNodeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tandem-admin-token-").FullName;

    private string TokenFile(string token)
    {
        var path = Path.Combine(_dir, "admin.token");
        File.WriteAllText(path, token + "\n");
        return path;
    }

    private static string WithToken(string yaml, string tokenFile) =>
        yaml.Replace("admin:\n", $"admin:\n  token-file: {tokenFile}\n", StringComparison.Ordinal);

    [Fact]
    public async Task Node_TokenFile_ChangesNeedTokenReadsStayOpen()
    {
        await using var a = await TestBackend.StartAsync("a");
        var file = TokenFile("first-token");
        await using var node = await NodeHarness.StartAsync((port, admin) =>
            WithToken(ConfigYaml.OnePool(port, admin, BalancingAlgorithms.RoundRobin, (a, 1)), file));
        using var client = TestHttp.Client(TimeSpan.FromSeconds(10));
        var adminUri = $"http://127.0.0.1:{node.AdminPort}/";

        Assert.Equal(HttpStatusCode.Unauthorized, await DrainAsync(client, adminUri, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await DrainAsync(client, adminUri, "wrong"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(adminUri + "api/pools"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(adminUri + "metrics"))).StatusCode);
        Assert.Equal("up", node.Node.Pools.Find("app")!.FindServer("a")!.StateName);
        Assert.Equal(HttpStatusCode.OK, await DrainAsync(client, adminUri, "first-token"));
        Assert.Equal("draining", node.Node.Pools.Find("app")!.FindServer("a")!.StateName);
    }

    [Fact]
    public async Task Reload_NewTokenFile_NewTokenInForce()
    {
        await using var a = await TestBackend.StartAsync("a");
        var first = TokenFile("first-token");
        await using var node = await NodeHarness.StartAsync((port, admin) =>
            WithToken(ConfigYaml.OnePool(port, admin, BalancingAlgorithms.RoundRobin, (a, 1)), first));
        using var client = TestHttp.Client(TimeSpan.FromSeconds(10));
        var adminUri = $"http://127.0.0.1:{node.AdminPort}/";
        var second = Path.Combine(_dir, "second.token");
        File.WriteAllText(second, "second-token");

        node.Rewrite((port, admin) => WithToken(ConfigYaml.OnePool(port, admin, BalancingAlgorithms.RoundRobin, (a, 1)), second));
        var switched = await TestHttp.WaitUntilAsync(async () => await DrainAsync(client, adminUri, "second-token") == HttpStatusCode.OK,
            TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));

        Assert.True(switched, "the reloaded token was not accepted within 5 s");
        Assert.Equal(HttpStatusCode.Unauthorized, await DrainAsync(client, adminUri, "first-token"));
    }

    private static async Task<HttpStatusCode> DrainAsync(HttpClient client, string adminUri, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(adminUri + "api/pools/app/servers/a"))
        {
            Content = new StringContent("""{"state":"draining"}""", Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
