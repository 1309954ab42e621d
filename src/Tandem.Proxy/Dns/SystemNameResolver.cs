using System.Net.Sockets;

namespace Tandem.Proxy.Dns;

/// <summary>The operating system's resolver (<c>/etc/hosts</c>, <c>/etc/resolv.conf</c>); it gives no TTL.</summary>
internal sealed class SystemNameResolver : INameResolver
{
    public static readonly SystemNameResolver Instance = new();

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<NameAnswer> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            // getaddrinfo does not always honour cancellation; the wait is bounded either way.
            var addresses = await System.Net.Dns.GetHostAddressesAsync(host, cancellationToken).WaitAsync(Timeout, cancellationToken);
            return addresses.Length == 0 ? NameAnswer.Failed("no addresses") : new NameAnswer(NameAnswers.Ordered(addresses), null, null);
        }
        catch (SocketException ex)
        {
            return NameAnswer.Failed(ex.SocketErrorCode == SocketError.HostNotFound ? "no such name" : ex.Message);
        }
        catch (TimeoutException)
        {
            return NameAnswer.Failed("timed out");
        }
    }
}
