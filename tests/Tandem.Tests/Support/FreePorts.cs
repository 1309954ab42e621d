using System.Net;
using System.Net.Sockets;
using Tandem.Testing;

namespace Tandem.Tests.Support;

/// <summary>
/// Ports for configs that must name them up front (a config file cannot say port 0), from <see cref="TestPorts"/>: below
/// the kernel's ephemeral range, so no outgoing connection of a parallel test can take one between the check and the bind.
/// </summary>
internal static class FreePorts
{
    /// <summary><paramref name="count"/> distinct free ports on 127.0.0.1 (<see cref="TestPorts"/>).</summary>
    public static int[] Take(int count) => TestPorts.Take(count);

    /// <summary>Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
