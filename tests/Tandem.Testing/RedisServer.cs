using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tandem.Testing;

/// <summary>
/// A standalone redis-server on 127.0.0.1 (an ephemeral port, no persistence, its own temporary directory), killed on
/// dispose. <see cref="Kill"/> and <see cref="StartAgainAsync"/> take it down and bring it back on the same port;
/// <see cref="PauseAsync"/> makes it hang (SIGSTOP, sent with procps' kill) without closing its connections.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>What a test of Redis needs installed (Debian's redis-server package has both).</summary>
    public static readonly string[] Tools = ["redis-server", "redis-cli"];

    internal static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string _directory;
    private readonly string[] _extraArgs;
    private PeerProcess? _process;

    private RedisServer(int port, string directory, string[] extraArgs)
    {
        Port = port;
        _directory = directory;
        _extraArgs = extraArgs;
    }

    public int Port { get; }

    /// <summary>The server as <c>cache.redis</c> writes it: <c>127.0.0.1:port</c>.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Starts a server and waits until it answers PING; <paramref name="extraArgs"/> go to redis-server as they are.</summary>
    public static async Task<RedisServer> StartAsync(params string[] extraArgs)
    {
        // A port just freed can be taken again before redis binds it: a few tries.
        for (var attempt = 0; ; attempt++)
        {
            var server = new RedisServer(TestHttp.FreePort(), Directory.CreateTempSubdirectory("tandem-redis-").FullName, extraArgs);
            try
            {
                await server.StartAgainAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Starts the server (again, after <see cref="Kill"/>) on the same port and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        _process?.Dispose();
        var args = new List<string>
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", _directory, "--protected-mode", "no",
        };
        args.AddRange(_extraArgs);
        _process = PeerProcess.Start("redis-server", [.. args]);
        if (!await TestHttp.WaitUntilAsync(() => PingAsync(Port), StartTimeout, TimeSpan.FromMilliseconds(20)))
        {
            _process.Kill();
            throw new InvalidOperationException("redis-server did not answer on port " + Port.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Kills the server (SIGKILL): its connections are reset, its data is gone.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>Makes the server hang (SIGSTOP): connections stay open, nothing is answered, until <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("not started");
        var (code, output) = await PeerProcess.RunAsync("kill", TimeSpan.FromSeconds(5), null, signal, process.Id.ToString(CultureInfo.InvariantCulture));
        if (code != 0)
        {
            throw new InvalidOperationException("kill " + signal + " failed: " + output);
        }
    }

    /// <summary>Runs redis-cli against this server; returns its output.</summary>
    public async Task<string> CliAsync(params string[] args) => (await Cli(Port, args)).Output;

    internal static Task<(int ExitCode, string Output)> Cli(int port, params string[] args) =>
        PeerProcess.RunAsync("redis-cli", TimeSpan.FromSeconds(20), null, ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. args]);

    /// <summary>Whether a server answers PING on the port (a raw RESP round trip, bounded to a second).</summary>
    internal static async Task<bool> PingAsync(int port)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, limit.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), limit.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, limit.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            // A paused server ignores nothing but SIGKILL; that is what Kill sends.
            process.Dispose();
        }
        await Task.Yield();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying server: the temporary directory is left behind.
        }
    }
}
