using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tandem.Core.Balancing;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Hosting;

/// <summary>The cache in a running node: the YAML, the admin API (stats, purge behind the token), the metrics and the access log's field.</summary>
public sealed class CacheNodeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tandem-cache-node-").FullName;

    [Fact]
    public async Task Node_CachingRoute_StatsMetricsLogAndPurge()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var token = Path.Combine(_dir, "admin.token");
        await File.WriteAllTextAsync(token, "secret\n");
        var log = Path.Combine(_dir, "access.log");
        await using (var node = await NodeHarness.StartAsync((port, admin) => $$"""
            listeners:
              - name: web
                bind: 127.0.0.1:{{port}}
                routes:
                  - name: site
                    pool: app
                    cache: { x-cache-header: true, stale-if-error: 1h }
            admin:
              bind: 127.0.0.1:{{admin}}
              token-file: {{token}}
            cache: { memory: 16MB }
            access-log:
              path: {{log}}
            pools:
              - name: app
                algorithm: {{BalancingAlgorithms.RoundRobin}}
                servers:
                  - name: origin
                    address: 127.0.0.1:{{origin.Port}}
            """))
        {
            using var client = TestHttp.Client(TimeSpan.FromSeconds(10));
            var admin = new Uri($"http://127.0.0.1:{node.AdminPort}/");
            using (var miss = await client.GetAsync(node.ProxyUri))
            {
                Assert.Equal("MISS", miss.Headers.GetValues("X-Cache").Single());
            }
            using (var hit = await client.GetAsync(node.ProxyUri))
            {
                Assert.Equal("HIT", hit.Headers.GetValues("X-Cache").Single());
            }

            using var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri(admin, "api/cache")));
            var route = stats.RootElement.GetProperty("routes")[0];
            Assert.True(stats.RootElement.GetProperty("enabled").GetBoolean());
            Assert.Equal(1, stats.RootElement.GetProperty("objects").GetInt64());
            Assert.Equal(16L << 20, stats.RootElement.GetProperty("capacity").GetInt64());
            Assert.Equal("site", route.GetProperty("route").GetString());
            Assert.Equal(0.5, route.GetProperty("hitRatio").GetDouble());
            var metrics = PrometheusText.Parse(await ScrapeAsync(client, admin));
            Assert.Equal(1, metrics["tandem_cache_requests_total{route=\"site\",result=\"hit\"}"]);
            Assert.Equal(1, metrics["tandem_cache_objects"]);

            var purgeUri = new Uri(admin, "api/cache?url=" + Uri.EscapeDataString(node.ProxyUri.ToString()));
            using (var refused = await client.DeleteAsync(purgeUri))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }
            using var purge = new HttpRequestMessage(HttpMethod.Delete, purgeUri);
            purge.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "secret");
            using (var purged = await client.SendAsync(purge))
            {
                using var body = JsonDocument.Parse(await purged.Content.ReadAsStringAsync());
                Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
                Assert.Equal(1, body.RootElement.GetProperty("memory").GetInt32());
            }
            using (var after = await client.GetAsync(node.ProxyUri))
            {
                Assert.Equal("MISS", after.Headers.GetValues("X-Cache").Single());
            }
            using var bad = new HttpRequestMessage(HttpMethod.Delete, new Uri(admin, "api/cache?url=a&tag=b"));
            bad.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "secret");
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(bad)).StatusCode);
        }

        var lines = File.ReadAllLines(log);
        Assert.Equal(["MISS", "HIT", "MISS"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("cache").GetString()!));
    }

    private static async Task<string> ScrapeAsync(HttpClient client, Uri admin) => await client.GetStringAsync(new Uri(admin, "metrics"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
