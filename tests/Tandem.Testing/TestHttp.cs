using System.Net;

namespace Tandem.Testing;

/// <summary>HTTP clients for tests: never through an environment proxy, bounded timeouts.</summary>
public static class TestHttp
{
    public static HttpClient Client(TimeSpan? timeout = null, Version? version = null, HttpVersionPolicy policy = HttpVersionPolicy.RequestVersionOrLower)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10),
        };
        return new HttpClient(handler)
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(15),
            DefaultRequestVersion = version ?? HttpVersion.Version11,
            DefaultVersionPolicy = policy,
        };
    }

    /// <summary>A free TCP port on 127.0.0.1 at the moment of the call (for configs that must name a port up front); see <see cref="TestPorts"/>.</summary>
    public static int FreePort() => TestPorts.Next();

    /// <summary>Polls <paramref name="condition"/> until true or the deadline; for waiting on background effects in integration tests.</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? poll = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(50));
        }
        return await condition();
    }
}
