namespace Tandem.Core.Config;

/// <summary>What a listener speaks to its clients.</summary>
public enum ListenerProtocol
{
    Http,

    /// <summary>Bytes copied both ways between the client and one server.</summary>
    Tcp,

    /// <summary>Datagrams balanced per client flow.</summary>
    Udp,

    /// <summary>TCP routed by the SNI of the client's TLS ClientHello, without terminating TLS.</summary>
    TlsPassthrough,
}
