using System.Text;

namespace Tandem.Pair.Tests.Transport;

/// <summary>What seals an ACME private key on the pair channel: it opens only with the same secret, for the same purpose, untouched.</summary>
public sealed class PairSealerTests
{
    private const string KeyPem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("pair-secret-of-at-least-16-bytes");

    [Fact]
    public void Seal_ThenOpen_SameSecretAndPurpose_RoundTrips()
    {
        var sealer = new PairSealer(Secret);

        var (nonce, sealedKey) = sealer.Seal(KeyPem, "acme-key\na\nexample");

        Assert.DoesNotContain("PRIVATE KEY", Encoding.UTF8.GetString(Convert.FromBase64String(sealedKey)), StringComparison.Ordinal);
        Assert.Equal(KeyPem, new PairSealer(Secret).Open(nonce, sealedKey, "acme-key\na\nexample"));
    }

    [Fact]
    public void Seal_TwiceTheSameValue_DifferentNonceAndCiphertext()
    {
        var sealer = new PairSealer(Secret);

        var first = sealer.Seal(KeyPem, "x");
        var second = sealer.Seal(KeyPem, "x");

        Assert.NotEqual(first.Nonce, second.Nonce);
        Assert.NotEqual(first.Sealed, second.Sealed);
    }

    [Fact]
    public void Open_OtherSecretOtherPurposeOrTampered_Null()
    {
        var (nonce, sealedKey) = new PairSealer(Secret).Seal(KeyPem, "acme-key\na\nexample");
        var bytes = Convert.FromBase64String(sealedKey);
        bytes[5] ^= 1;

        Assert.Null(new PairSealer(Encoding.UTF8.GetBytes("another-secret-of-16-bytes")).Open(nonce, sealedKey, "acme-key\na\nexample"));
        Assert.Null(new PairSealer(Secret).Open(nonce, sealedKey, "acme-key\nb\nexample"));
        Assert.Null(new PairSealer(Secret).Open(nonce, Convert.ToBase64String(bytes), "acme-key\na\nexample"));
        Assert.Null(new PairSealer(Secret).Open("not base64!", sealedKey, "acme-key\na\nexample"));
        Assert.Null(new PairSealer(Secret).Open(nonce, "AAAA", "acme-key\na\nexample"));
    }
}
