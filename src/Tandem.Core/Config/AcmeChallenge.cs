namespace Tandem.Core.Config;

public enum AcmeChallenge
{
    Http01,
    TlsAlpn01,
}
