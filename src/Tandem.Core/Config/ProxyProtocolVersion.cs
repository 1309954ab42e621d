namespace Tandem.Core.Config;

/// <summary>PROXY protocol header Tandem sends to a pool's servers (<c>pools[].send-proxy</c>).</summary>
public enum ProxyProtocolVersion
{
    None,
    V1,
    V2,
}
