using System.Buffers.Text;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>base64url without padding (RFC 7515 section 2), which every binary value in ACME's JSON is.</summary>
internal static class AcmeBase64
{
    public static string Encode(ReadOnlySpan<byte> data) => Base64Url.EncodeToString(data);
}
