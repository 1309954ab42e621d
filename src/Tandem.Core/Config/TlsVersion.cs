namespace Tandem.Core.Config;

/// <summary>The oldest TLS version a listener accepts.</summary>
public enum TlsVersion
{
    Tls12,
    Tls13,
}
