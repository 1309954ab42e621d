using Tandem.Core.Config;
using Tandem.Proxy.Tls.Acme;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Tls.Acme;

/// <summary>The ACME client against a real pebble: accounts and nonces (no validation needed, so no DNS or listener).</summary>
public sealed class AcmeClientPebbleTests
{
    private static readonly string[] Tools = [PebbleServer.Tool];

    private static AcmeConfig Config(PebbleServer pebble) =>
        new() { Directory = pebble.Directory, Domains = ["a.test"], Ca = pebble.CaPath, Email = "ops@a.test" };

    [RequiresFact(PebbleServer.Tool)]
    public async Task Account_KeyAlreadyRegistered_FoundAgainWithTheSameUrl()
    {
        Requirements.Check(Tools);
        await using var pebble = await PebbleServer.StartAsync(1, 1, "127.0.0.1:1");
        using var http = AcmeService.CreateHttpClient(Config(pebble));
        using var key = AcmeAccountKey.Create();
        var first = new AcmeClient(http, pebble.Directory, key);
        var second = new AcmeClient(http, pebble.Directory, key);

        var existedFirst = await first.AccountAsync("ops@a.test", onlyReturnExisting: false, CancellationToken.None);
        var existedSecond = await second.AccountAsync("ops@a.test", onlyReturnExisting: false, CancellationToken.None);
        var third = new AcmeClient(http, pebble.Directory, key);
        var existedThird = await third.AccountAsync(null, onlyReturnExisting: true, CancellationToken.None);

        Assert.Equal((false, true, true), (existedFirst, existedSecond, existedThird));
        Assert.Equal(first.Account, second.Account);
        Assert.Equal(first.Account, third.Account);
    }

    [RequiresFact(PebbleServer.Tool)]
    public async Task Account_OnlyReturnExistingForANewKey_AccountDoesNotExist()
    {
        Requirements.Check(Tools);
        await using var pebble = await PebbleServer.StartAsync(1, 1, "127.0.0.1:1");
        using var http = AcmeService.CreateHttpClient(Config(pebble));
        using var key = AcmeAccountKey.Create();
        var client = new AcmeClient(http, pebble.Directory, key);

        var problem = await Assert.ThrowsAsync<AcmeProblemException>(() => client.AccountAsync(null, onlyReturnExisting: true, CancellationToken.None));

        Assert.Equal("urn:ietf:params:acme:error:accountDoesNotExist", problem.Type);
    }

    [RequiresFact(PebbleServer.Tool)]
    public async Task Requests_PebbleRejectsHalfTheNonces_EveryRequestSucceedsAfterResigning()
    {
        Requirements.Check(Tools);
        await using var pebble = await PebbleServer.StartAsync(1, 1, "127.0.0.1:1", nonceRejectPercent: 50);
        using var http = AcmeService.CreateHttpClient(Config(pebble));
        using var key = AcmeAccountKey.Create();
        var client = new AcmeClient(http, pebble.Directory, key);

        await client.AccountAsync("ops@a.test", onlyReturnExisting: false, CancellationToken.None);
        var orders = new List<AcmeOrder>();
        for (var i = 0; i < 10; i++)
        {
            var order = await client.NewOrderAsync([$"n{i}.a.test"], CancellationToken.None);
            orders.Add(await client.OrderAsync(order.Url, CancellationToken.None));
        }

        Assert.All(orders, o => Assert.Equal("pending", o.Status));
        // About half of the 21 requests were refused once or more (a chance of 2^-21 that none was).
        Assert.InRange(client.NonceRetries, 1, 21 * AcmeClient.MaxNonceRetries);
    }
}
