using System.Net;
using System.Net.Sockets;
using Tandem.Core.Config;
using Tandem.Core.Runtime;

namespace Tandem.Pair.Tests;

/// <summary>One <see cref="PairService"/> on loopback whose peer never answers.</summary>
public sealed class PairServiceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tandem-pair-svc-" + Guid.NewGuid().ToString("N"));

    public PairServiceTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task StartAsync_PeerAbsent_SyncingUntilPeerTimeoutThenSyncedAlone()
    {
        var health = new PairHealth();
        var synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var service = await StartAsync(health, TimeSpan.FromSeconds(1));
        service.Synced += () => synced.TrySetResult();

        // The VIP side may report a role early; it shows only once the node is synced.
        service.SetVipState(PairRole.Master, "a");
        if (!service.IsSynced)
        {
            Assert.Equal(PairRole.Syncing, health.Current.Role);
        }
        await synced.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(service.IsSynced);
        Assert.Equal(PairRole.Master, health.Current.Role);
        Assert.Equal("a", health.Current.VipHolder);
        Assert.False(health.Current.PeerAlive);
        Assert.Equal("a", health.Current.Node);
    }

    [Fact]
    public async Task StartAsync_Started_RoleIsSyncingBeforeThePeerTimeout()
    {
        var health = new PairHealth();

        await using var service = await StartAsync(health, TimeSpan.FromSeconds(30));

        Assert.False(service.IsSynced);
        Assert.Equal(PairRole.Syncing, health.Current.Role);
    }

    [Fact]
    public async Task StartAsync_PairBindTaken_FailsNamingTheKey()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<PairStartException>(() => StartAsync(new PairHealth(), TimeSpan.FromSeconds(1), port));

        Assert.StartsWith($"pair.bind: cannot listen on 127.0.0.1:{port}: ", error.Message, StringComparison.Ordinal);
    }

    private async Task<PairService> StartAsync(PairHealth health, TimeSpan peerTimeout, int? bindPort = null)
    {
        var secret = Path.Combine(_directory, "pair.secret");
        await File.WriteAllTextAsync(secret, "0123456789abcdef0123\n");
        var pools = TestPools.Create();
        return await PairService.StartAsync(new PairServiceOptions
        {
            Config = new PairConfig
            {
                Node = "a",
                Bind = new HostPort("127.0.0.1", bindPort ?? TestHttp.FreePort()),
                Peer = new HostPort("127.0.0.1", TestHttp.FreePort()),
                SecretFile = secret,
                Heartbeat = TimeSpan.FromMilliseconds(100),
                PeerTimeout = peerTimeout,
            },
            Pools = pools,
            Changes = new OperatorChanges(),
            Health = health,
        }, CancellationToken.None);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
