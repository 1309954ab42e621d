using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tandem.Testing;

/// <summary>
/// A real nginx (Debian's <c>nginx-light</c>) on a loopback port, run in the foreground from a temporary prefix with
/// the <c>http { }</c> block a test writes; killed and its directory removed on dispose. For differential tests.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    public const string Tool = "nginx";

    private readonly Process _process;
    private readonly string _directory;

    private NginxServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <summary>The port every <c>server</c> of the config listens on (the <c>{port}</c> placeholder).</summary>
    public int Port { get; }

    public Uri BaseAddress => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));

    /// <summary>
    /// Starts nginx with <paramref name="http"/> as the body of its <c>http</c> block; each <c>{port}</c> in it becomes
    /// the port chosen here. Fails with nginx's own message when the config is refused or nothing listens in time.
    /// </summary>
    public static async Task<NginxServer> StartAsync(string http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var directory = Directory.CreateTempSubdirectory("tandem-nginx-").FullName;
        // A port just freed can be taken again before nginx binds it: a few tries.
        for (var attempt = 0; ; attempt++)
        {
            var port = TestPorts.Next();
            await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), Config(directory, http.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)));
            var process = Process.Start(new ProcessStartInfo(Requirements.Find(Tool) ?? Tool)
            {
                ArgumentList = { "-p", directory, "-c", Path.Combine(directory, "nginx.conf"), "-e", Path.Combine(directory, "error.log") },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var server = new NginxServer(process, directory, port);
            if (await server.ListensAsync())
            {
                return server;
            }
            var error = File.Exists(Path.Combine(directory, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "error.log")) : "";
            await server.DisposeAsync(keepDirectory: true);
            if (attempt >= 4 || !error.Contains("Address already in use", StringComparison.Ordinal))
            {
                Directory.Delete(directory, recursive: true);
                throw new InvalidOperationException("nginx did not start: " + error);
            }
        }
    }

    public ValueTask DisposeAsync() => DisposeAsync(keepDirectory: false);

    private async ValueTask DisposeAsync(bool keepDirectory)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _process.Dispose();
        if (!keepDirectory)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string Config(string directory, string http) => $$"""
        daemon off;
        master_process off;
        worker_processes 1;
        pid {{directory}}/nginx.pid;
        error_log {{directory}}/error.log warn;
        events { worker_connections 256; }
        http {
          access_log off;
          client_body_temp_path {{directory}}/body;
          proxy_temp_path {{directory}}/proxy;
          fastcgi_temp_path {{directory}}/fastcgi;
          uwsgi_temp_path {{directory}}/uwsgi;
          scgi_temp_path {{directory}}/scgi;
        {{http}}
        }
        """;

    /// <summary>Whether nginx accepts connections within 10 s (false at once when it exits, e.g. on a config error).</summary>
    private async Task<bool> ListensAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                return false;
            }
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port));
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        return false;
    }
}
