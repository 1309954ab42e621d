namespace Tandem.Core.Config;

public enum ClientCertificateMode
{
    Optional,
    Require,
}
