using System.Security.Cryptography;
using System.Text;

namespace Tandem.Pair.Transport;

/// <summary>
/// Encrypts what must not cross the pair channel in clear (an ACME certificate's private key): AES-256-GCM under a key
/// derived from the pair secret with HKDF-SHA256 (its own label, so it is never the signing key), a random 96-bit nonce
/// per message, and associated data that binds the ciphertext to its purpose (the certificate's key and the sender), so
/// one sealed value cannot be replayed as another. The channel's HMAC still signs the whole message.
/// Concurrency: thread-safe (a new <see cref="AesGcm"/> per call; the pair seals a few values a day).
/// </summary>
internal sealed class PairSealer(byte[] secret)
{
    private const int TagBytes = 16;
    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: [], info: "tandem pair seal v1"u8.ToArray());

    /// <summary>The nonce and the ciphertext with its tag, both base64.</summary>
    public (string Nonce, string Sealed) Seal(string plaintext, string associated)
    {
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[clear.Length + TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, clear, output.AsSpan(0, clear.Length), output.AsSpan(clear.Length), Encoding.UTF8.GetBytes(associated));
        CryptographicOperations.ZeroMemory(clear);
        return (Convert.ToBase64String(nonce), Convert.ToBase64String(output));
    }

    /// <summary>The plaintext; null when the value was not sealed with this secret for <paramref name="associated"/> or is damaged.</summary>
    public string? Open(string nonce, string sealedValue, string associated)
    {
        try
        {
            var nonceBytes = Convert.FromBase64String(nonce);
            var input = Convert.FromBase64String(sealedValue);
            if (nonceBytes.Length != AesGcm.NonceByteSizes.MaxSize || input.Length < TagBytes)
            {
                return null;
            }
            var clear = new byte[input.Length - TagBytes];
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(nonceBytes, input.AsSpan(0, clear.Length), input.AsSpan(clear.Length), clear, Encoding.UTF8.GetBytes(associated));
            var text = Encoding.UTF8.GetString(clear);
            CryptographicOperations.ZeroMemory(clear);
            return text;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return null;
        }
    }
}
