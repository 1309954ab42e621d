using System.Globalization;

namespace Tandem.Testing;

/// <summary>
/// A local Redis cluster of three masters and no replicas on 127.0.0.1 (ephemeral client and bus ports, each node in its
/// own temporary directory), made with <c>redis-cli --cluster create</c> and ready when every node reports
/// <c>cluster_state:ok</c>. Killed on dispose.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly List<RedisServer> _nodes;

    private RedisCluster(List<RedisServer> nodes) => _nodes = nodes;

    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>Every master as <c>cache.redis</c> writes a cluster: <c>127.0.0.1:port</c> each.</summary>
    public IReadOnlyList<string> Endpoints => [.. _nodes.Select(n => n.Endpoint)];

    public static async Task<RedisCluster> StartAsync(int masters = 3)
    {
        var nodes = new List<RedisServer>();
        var cluster = new RedisCluster(nodes);
        try
        {
            for (var i = 0; i < masters; i++)
            {
                // The bus port is given (Redis 7): the default, port + 10000, can lie past 65535 for an ephemeral port.
                nodes.Add(await RedisServer.StartAsync(
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
                    "--cluster-port", TestHttp.FreePort().ToString(CultureInfo.InvariantCulture)));
            }
            var create = await PeerProcess.RunAsync("redis-cli", TimeSpan.FromSeconds(30), null,
                ["--cluster", "create", .. cluster.Endpoints, "--cluster-replicas", "0", "--cluster-yes"]);
            if (create.ExitCode != 0)
            {
                throw new InvalidOperationException("redis-cli --cluster create failed: " + create.Output);
            }
            if (!await TestHttp.WaitUntilAsync(cluster.IsOkAsync, RedisServer.StartTimeout, TimeSpan.FromMilliseconds(100)))
            {
                throw new InvalidOperationException("the Redis cluster did not reach cluster_state:ok");
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether every node reports the cluster ok (all slots served).</summary>
    public async Task<bool> IsOkAsync()
    {
        foreach (var node in _nodes)
        {
            if (!(await node.CliAsync("cluster", "info")).Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>How many keys each node holds (DBSIZE), in node order: shows keys spread over the slots of several nodes.</summary>
    public async Task<IReadOnlyList<int>> KeyCountsAsync()
    {
        var counts = new List<int>();
        foreach (var node in _nodes)
        {
            counts.Add(int.Parse((await node.CliAsync("dbsize")).Trim(), CultureInfo.InvariantCulture));
        }
        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
