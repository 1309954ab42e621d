namespace Tandem.Core.Config;

/// <summary>Where the <c>ip-hash</c> key comes from.</summary>
public enum HashKeySource
{
    ClientAddress,
    Header,
    Cookie,
}
