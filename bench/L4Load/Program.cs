using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

// Bounded load for layer-4 benches (bench/l4-connrate.sh):
//   L4Load echo PORT                          a TCP server on 127.0.0.1:PORT: reads a byte, writes it back, closes first
//   L4Load tcp HOST:PORT SECONDS CONCURRENCY  CONCURRENCY loops, each: connect, send a byte, read the echo and the
//                                             server's FIN, close; for SECONDS s. Prints "conns/s errors".
// Every operation is bounded by a 5 s timeout; the run by SECONDS.
return args switch
{
    ["echo", var port] => await EchoAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)),
    ["tcp", var target, var seconds, var concurrency] => await ConnectLoopAsync(IPEndPoint.Parse(target),
        TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)),
        int.Parse(concurrency, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: L4Load echo PORT | L4Load tcp HOST:PORT SECONDS CONCURRENCY");
    return 2;
}

static async Task<int> EchoAsync(int port)
{
    using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
    listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
    listener.Listen(4096);
    while (true)
    {
        var connection = await listener.AcceptAsync();
        _ = ServeAsync(connection);
    }
}

static async Task ServeAsync(Socket connection)
{
    var buffer = new byte[64];
    try
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var read = await connection.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
        if (read > 0)
        {
            await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, limit.Token);
        }
    }
    catch (Exception ex) when (ex is SocketException or OperationCanceledException)
    {
    }
    finally
    {
        connection.Dispose();
    }
}

static async Task<int> ConnectLoopAsync(IPEndPoint target, TimeSpan duration, int concurrency)
{
    var done = 0L;
    var errors = 0L;
    var clock = Stopwatch.StartNew();
    var loops = new Task[concurrency];
    for (var i = 0; i < concurrency; i++)
    {
        loops[i] = Task.Run(async () =>
        {
            var buffer = new byte[64];
            while (clock.Elapsed < duration)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await socket.ConnectAsync(target, limit.Token);
                    await socket.SendAsync("x"u8.ToArray(), SocketFlags.None, limit.Token);
                    var got = 0;
                    int read;
                    while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token)) > 0)
                    {
                        got += read;
                    }
                    if (got == 1)
                    {
                        Interlocked.Increment(ref done);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
    }
    await Task.WhenAll(loops);
    Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{done / clock.Elapsed.TotalSeconds:0} {errors}"));
    return 0;
}
