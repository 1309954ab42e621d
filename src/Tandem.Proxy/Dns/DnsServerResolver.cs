using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace Tandem.Proxy.Dns;

/// <summary>
/// Asks one DNS server (the config's <c>resolver</c>) for A and AAAA records over UDP, falling back to TCP for a
/// truncated answer. DnsClient parses the wire format: a strict, maintained parser beats a hand-written one here.
/// No cache of its own: the refresher keeps the last good answer and asks again at its TTL.
/// </summary>
internal sealed class DnsServerResolver : INameResolver
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly LookupClient _client;

    public DnsServerResolver(IPEndPoint server)
    {
        _client = new LookupClient(new LookupClientOptions(new NameServer(server))
        {
            UseCache = false,
            Timeout = Timeout,
            Retries = 1,
            UseTcpFallback = true,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
        });
    }

    public async Task<NameAnswer> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            var v4 = _client.QueryAsync(host, QueryType.A, QueryClass.IN, cancellationToken);
            var v6 = _client.QueryAsync(host, QueryType.AAAA, QueryClass.IN, cancellationToken);
            var answers = await Task.WhenAll(v4, v6);
            var addresses = new List<IPAddress>();
            int? ttl = null;
            string? error = null;
            foreach (var answer in answers)
            {
                if (answer.HasError)
                {
                    error ??= answer.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain ? "no such name" : answer.ErrorMessage;
                    continue;
                }
                foreach (var record in answer.Answers)
                {
                    if (record is AddressRecord address && address.RecordType is ResourceRecordType.A or ResourceRecordType.AAAA)
                    {
                        addresses.Add(address.Address);
                        ttl = ttl is null ? address.TimeToLive : Math.Min(ttl.Value, address.TimeToLive);
                    }
                }
            }
            if (addresses.Count == 0)
            {
                return NameAnswer.Failed(error ?? "no A or AAAA record");
            }
            return new NameAnswer(NameAnswers.Ordered(addresses), TimeSpan.FromSeconds(ttl ?? 0), null);
        }
        catch (DnsResponseException ex)
        {
            return NameAnswer.Failed(ex.Code == DnsResponseCode.ConnectionTimeout ? "timed out" : ex.DnsError);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A malformed answer or a socket error: the server is not giving a usable answer, which is all a caller needs.
            return NameAnswer.Failed("bad answer from the DNS server: " + ex.Message);
        }
    }
}
