using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Forwarding;

namespace Tandem.Proxy.Health;

/// <summary>
/// One active probe of a server: an HTTP GET of the health path (status in <c>expect-status</c>, body containing
/// <c>expect-body</c>, at most 64 KB read) or, without a path, a TCP or UDP probe (<see cref="StreamProbe"/>); bounded by the timeout. Probes go
/// around the request path: they are not traffic and never touch the server's request counters.
/// </summary>
internal static class ServerProbe
{
    private const int MaxBody = 64 * 1024;

    public static async Task<(bool Passed, string Detail)> RunAsync(ServerState server, HealthConfig config, HttpClient client, CancellationToken cancellationToken)
    {
        var timeout = config.Timeout ?? ConfigDefaults.HealthTimeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            return config.EffectiveType switch
            {
                HealthCheckType.Tcp => await StreamProbe.TcpAsync(server, config, clock, limit.Token),
                HealthCheckType.Udp => await StreamProbe.UdpAsync(server, config, timeout, clock, limit.Token),
                _ => await GetAsync(server, config, client, clock, limit.Token),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, string.Create(CultureInfo.InvariantCulture, $"timed out after {timeout.TotalMilliseconds:0} ms"));
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException)
        {
            return (false, ProxyErrors.Innermost(ex));
        }
    }

    private static async Task<(bool, string)> GetAsync(ServerState server, HealthConfig config, HttpClient client, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, server.DestinationPrefix + config.Path);
        if (config.Host is not null)
        {
            request.Headers.Host = config.Host;
        }
        else if (server.Address.Ip is null)
        {
            // The prefix holds the address the name resolved to; the server still expects its name.
            request.Headers.Host = server.Address.ToString();
        }
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var status = (int)response.StatusCode;
        var expected = config.ExpectStatus ?? StatusRange.Success;
        if (!expected.Contains(status))
        {
            return (false, string.Create(CultureInfo.InvariantCulture, $"status {status}, expected {expected}"));
        }
        if (config.ExpectBody is { } needle)
        {
            var body = await ReadPrefixAsync(response, cancellationToken);
            if (!body.Contains(needle, StringComparison.Ordinal))
            {
                return (false, string.Create(CultureInfo.InvariantCulture, $"status {status} but the body lacks '{needle}'"));
            }
        }
        return (true, string.Create(CultureInfo.InvariantCulture, $"status {status} in {clock.ElapsedMilliseconds} ms"));
    }

    private static async Task<string> ReadPrefixAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBody];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
    }
}
