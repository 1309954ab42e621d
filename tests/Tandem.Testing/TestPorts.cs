using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tandem.Testing;

/// <summary>
/// Ports for configs that must name one before the process under test binds it. A port from <c>bind(0)</c> comes from
/// the kernel's ephemeral range, the same range every outgoing connection of every parallel test takes its local port
/// from, so between "free" and the bind someone else may take it (seen under the full suite's load). These come from
/// below that range instead, where only explicit binds land: each test process walks its own stretch of it from a
/// start drawn from its process id, hands out no port twice, and checks each one by binding TCP and UDP on 127.0.0.1.
/// </summary>
public static class TestPorts
{
    private const int Lowest = 10_000;
    private static readonly (int Low, int High) Range = PortRange();
    private static int _next = Range.Low + Environment.ProcessId * 997 % (Range.High - Range.Low);

    /// <summary>A port free on 127.0.0.1 (TCP and UDP) at the moment of the call, never handed out before by this process.</summary>
    public static int Next()
    {
        var span = Range.High - Range.Low;
        for (var attempt = 0; attempt < 2_000; attempt++)
        {
            var port = Range.Low + (int)((uint)(Interlocked.Increment(ref _next) - Range.Low) % (uint)span);
            if (IsFree(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"no free port on 127.0.0.1 in {Range.Low}-{Range.High - 1}");
    }

    /// <summary><paramref name="count"/> distinct free ports.</summary>
    public static int[] Take(int count)
    {
        var ports = new int[count];
        for (var i = 0; i < count; i++)
        {
            ports[i] = Next();
        }
        return ports;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The ports below the kernel's ephemeral range (<c>ip_local_port_range</c>), from 10000; 20000-30000 when that range cannot be read or leaves too few.</summary>
    private static (int Low, int High) PortRange()
    {
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            var ephemeralLow = int.Parse(text[0], CultureInfo.InvariantCulture);
            if (ephemeralLow - Lowest >= 5_000)
            {
                return (Lowest, ephemeralLow);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
        }
        return (20_000, 30_000);
    }
}
