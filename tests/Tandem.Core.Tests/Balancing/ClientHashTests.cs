using System.Net;
using Tandem.Core.Balancing;

namespace Tandem.Core.Tests.Balancing;

public sealed class ClientHashTests
{
    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("10.0.0.255")]
    [InlineData("0.0.0.0")]
    public void Of_IPv4AndItsIPv4MappedIPv6Form_Equal(string address)
    {
        var v4 = IPAddress.Parse(address);

        Assert.Equal(ClientHash.Of(v4), ClientHash.Of(v4.MapToIPv6()));
        Assert.Equal(ClientHash.Of(v4), ClientHash.Of(IPAddress.Parse("::ffff:" + address)));
    }

    [Fact]
    public void Of_RandomAddresses_NoCollisionsAndNotZero()
    {
        var hashes = TestClients.Addresses(10_000).Distinct().Select(ClientHash.Of).ToList();

        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        Assert.DoesNotContain(0UL, hashes);
    }

    [Fact]
    public void Of_NullAddress_Zero()
    {
        Assert.Equal(0UL, ClientHash.Of((IPAddress?)null));
    }

    [Fact]
    public void Of_HeaderOrCookieValue_DependsOnEveryCharacter()
    {
        Assert.NotEqual(ClientHash.Of("user-17"), ClientHash.Of("user-18"));
        Assert.NotEqual(ClientHash.Of("user-17"), ClientHash.Of("User-17"));
        Assert.Equal(ClientHash.Of("user-17"), ClientHash.Of(string.Concat("user-", "17")));
    }

    [Fact]
    public void Of_SameAddress_SameHashInEveryProcess()
    {
        // XXH3-64 of the four address bytes, pinned from this implementation: a change of hash would move every sticky
        // client on upgrade, and a pair's two nodes must agree.
        Assert.Equal(0x2C1C901EED9ADC4AUL, ClientHash.Of(IPAddress.Parse("192.0.2.1")));
    }
}
