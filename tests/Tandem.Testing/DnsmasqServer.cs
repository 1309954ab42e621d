using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tandem.Testing;

/// <summary>
/// A dnsmasq answering on 127.0.0.1 (an ephemeral UDP port) from a hosts file the test controls and nothing else
/// (no upstream, no /etc/hosts). <see cref="SetAsync"/> rewrites the file and makes dnsmasq re-read it.
/// </summary>
public sealed class DnsmasqServer : IAsyncDisposable
{
    public const string Tool = "dnsmasq";

    private readonly Process _process;
    private readonly string _directory;

    private DnsmasqServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server as the config's <c>resolver</c> key writes it.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    private string HostsPath => Path.Combine(_directory, "hosts");

    /// <summary>Starts dnsmasq answering <paramref name="entries"/> (name to address).</summary>
    public static async Task<DnsmasqServer> StartAsync(params (string Name, string Address)[] entries)
    {
        var directory = Directory.CreateTempSubdirectory("tandem-dns-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "hosts"), HostsText(entries));
        // A port just freed can be taken again before dnsmasq binds it: a few tries.
        for (var attempt = 0; ; attempt++)
        {
            var port = TestPorts.Next();
            var process = Process.Start(new ProcessStartInfo(Requirements.Find(Tool) ?? Tool)
            {
                ArgumentList =
                {
                    "--keep-in-foreground", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--pid-file=",
                    "--addn-hosts=" + Path.Combine(directory, "hosts"), "--listen-address=127.0.0.1", "--bind-interfaces",
                    "--port=" + port.ToString(CultureInfo.InvariantCulture), "--user=" + Environment.UserName,
                },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var server = new DnsmasqServer(process, directory, port);
            if (await server.AnswersAsync())
            {
                return server;
            }
            if (attempt >= 4)
            {
                var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "no answer";
                await server.DisposeAsync();
                throw new InvalidOperationException("dnsmasq did not start: " + error);
            }
            await server.DisposeAsync(keepDirectory: true);
        }
    }

    /// <summary>Replaces the answers and waits until dnsmasq has re-read them (SIGHUP).</summary>
    public async Task SetAsync(params (string Name, string Address)[] entries)
    {
        await File.WriteAllTextAsync(HostsPath, HostsText(entries));
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-HUP", _process.Id.ToString(CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await AnswersAsync();
    }

    private static string HostsText((string Name, string Address)[] entries) =>
        string.Concat(entries.Select(e => $"{e.Address} {e.Name}\n"));

    /// <summary>Whether dnsmasq answers a query (any answer) within a few seconds.</summary>
    private async Task<bool> AnswersAsync()
    {
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        // A query for "probe." type A: header (id 1, recursion desired, one question), then the question.
        byte[] query = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, (byte)'p', (byte)'r', (byte)'o', (byte)'b', (byte)'e', 0, 0, 1, 0, 1];
        for (var i = 0; i < 20 && !_process.HasExited; i++)
        {
            await udp.SendAsync(query, new IPEndPoint(IPAddress.Loopback, Port));
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
            try
            {
                await udp.ReceiveAsync(wait.Token);
                return true;
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                // Not listening yet.
            }
        }
        return false;
    }

    public ValueTask DisposeAsync() => DisposeAsync(keepDirectory: false);

    private async ValueTask DisposeAsync(bool keepDirectory)
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        if (!keepDirectory)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
