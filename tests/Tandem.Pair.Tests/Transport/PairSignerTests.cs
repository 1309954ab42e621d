using System.Text;

namespace Tandem.Pair.Tests.Transport;

public sealed class PairSignerTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("0123456789abcdef0123");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"seq":1}""");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Verify_SignedByPeerWithSameSecret_Valid()
    {
        var (stamp, mac) = new PairSigner(Secret, "a", _time).Sign("/pair/changes", Body);

        Assert.Equal(SignatureCheck.Valid, new PairSigner(Secret, "b", _time).Verify("a", stamp, mac, "/pair/changes", Body, rememberMac: true));
    }

    [Fact]
    public void Verify_WrongSecret_BadMac()
    {
        var (stamp, mac) = new PairSigner(Encoding.UTF8.GetBytes("another-secret-of-20"), "a", _time).Sign("/pair/changes", Body);

        Assert.Equal(SignatureCheck.BadMac, new PairSigner(Secret, "b", _time).Verify("a", stamp, mac, "/pair/changes", Body, rememberMac: true));
    }

    [Theory]
    [InlineData("b", "/pair/changes", """{"seq":2}""")]
    [InlineData("a", "/pair/config", """{"seq":1}""")]
    [InlineData("c", "/pair/changes", """{"seq":1}""")]
    public void Verify_SenderPathOrBodyChanged_BadMac(string sender, string path, string body)
    {
        var (stamp, mac) = new PairSigner(Secret, "a", _time).Sign("/pair/changes", Body);

        Assert.Equal(SignatureCheck.BadMac, new PairSigner(Secret, "z", _time).Verify(sender, stamp, mac, path, Encoding.UTF8.GetBytes(body), rememberMac: true));
    }

    [Fact]
    public void Verify_TimestampBeyondWindow_StaleEitherWay()
    {
        var (stamp, mac) = new PairSigner(Secret, "a", _time).Sign("/pair/heartbeat", Body);
        var receiver = new PairSigner(Secret, "b", _time);

        _time.Advance(PairSigner.Window - TimeSpan.FromMilliseconds(1));
        Assert.Equal(SignatureCheck.Valid, receiver.Verify("a", stamp, mac, "/pair/heartbeat", Body, rememberMac: false));
        _time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal(SignatureCheck.Stale, receiver.Verify("a", stamp, mac, "/pair/heartbeat", Body, rememberMac: false));

        // A sender whose clock runs ahead by more than the window is refused too.
        var ahead = new FakeTimeProvider(_time.GetUtcNow() + PairSigner.Window + TimeSpan.FromSeconds(1));
        var (future, futureMac) = new PairSigner(Secret, "a", ahead).Sign("/pair/heartbeat", Body);
        Assert.Equal(SignatureCheck.Stale, receiver.Verify("a", future, futureMac, "/pair/heartbeat", Body, rememberMac: false));
    }

    [Fact]
    public void Verify_SameRequestTwice_SecondIsReplayed()
    {
        var (stamp, mac) = new PairSigner(Secret, "a", _time).Sign("/pair/changes", Body);
        var receiver = new PairSigner(Secret, "b", _time);

        Assert.Equal(SignatureCheck.Valid, receiver.Verify("a", stamp, mac, "/pair/changes", Body, rememberMac: true));
        Assert.Equal(SignatureCheck.Replayed, receiver.Verify("a", stamp, mac, "/pair/changes", Body, rememberMac: true));
    }

    [Fact]
    public void Verify_SignedWithOwnName_FromSelf()
    {
        var signer = new PairSigner(Secret, "a", _time);
        var (stamp, mac) = signer.Sign("/pair/changes", Body);

        Assert.Equal(SignatureCheck.FromSelf, signer.Verify("a", stamp, mac, "/pair/changes", Body, rememberMac: true));
    }

    [Theory]
    [InlineData(null, "1", "AAAA")]
    [InlineData("a", null, "AAAA")]
    [InlineData("a", "1", "")]
    public void Verify_HeaderMissing_Missing(string? sender, string? stamp, string? mac) =>
        Assert.Equal(SignatureCheck.Missing, new PairSigner(Secret, "b", _time).Verify(sender, stamp, mac, "/pair/changes", Body, rememberMac: true));

    [Fact]
    public void Verify_MacNotBase64_BadMac() =>
        Assert.Equal(SignatureCheck.BadMac, new PairSigner(Secret, "b", _time).Verify("a", "1", "%%%", "/pair/changes", Body, rememberMac: true));

    [Fact]
    public void Describe_BadMac_NamesTheLikelyCause() =>
        Assert.Equal("bad MAC (wrong pair secret?)", PairSigner.Describe(SignatureCheck.BadMac));
}
