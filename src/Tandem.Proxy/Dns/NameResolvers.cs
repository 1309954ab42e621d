using System.Net;
using Tandem.Core.Config;

namespace Tandem.Proxy.Dns;

internal static class NameResolvers
{
    /// <summary>The config's <c>resolver</c>, or the system resolver when it names none.</summary>
    public static INameResolver For(HostPort? resolver) =>
        resolver is { Ip: { } ip } r ? new DnsServerResolver(new IPEndPoint(ip, r.Port)) : SystemNameResolver.Instance;
}
