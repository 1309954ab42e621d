using System.Net;
using Tandem.Testing;

namespace Tandem.Tests.Support;

/// <summary>
/// A client that sends GETs back to back, each on a new connection (as a restart test must: a connection that is
/// refused or reset shows at once), counting answers and failures. Bounded: it stops after <paramref name="maxRequests"/>
/// or <paramref name="maxTime"/> even if nobody stops it.
/// </summary>
internal sealed class SteadyClient(Uri url, int maxRequests = 20_000, TimeSpan? maxTime = null) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new(maxTime ?? TimeSpan.FromSeconds(90));
    private readonly List<string> _failures = [];
    private readonly Lock _gate = new();
    private Task _loop = Task.CompletedTask;
    private int _ok;

    public int Ok => Volatile.Read(ref _ok);

    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_gate)
            {
                return [.. _failures];
            }
        }
    }

    public void Start() => _loop = Task.Run(LoopAsync);

    /// <summary>Waits until <paramref name="count"/> more requests have been answered; false after <paramref name="timeout"/>.</summary>
    public Task<bool> WaitForMoreAsync(int count, TimeSpan timeout)
    {
        var target = Ok + count;
        return TestHttp.WaitUntilAsync(() => Task.FromResult(Ok >= target || _loop.IsCompleted), timeout).ContinueWith(_ => Ok >= target, TaskScheduler.Default);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var client = TestHttp.Client(TimeSpan.FromSeconds(10));
        for (var i = 0; i < maxRequests && !_stop.IsCancellationRequested; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.ConnectionClose = true;
            try
            {
                using var response = await client.SendAsync(request, CancellationToken.None);
                await response.Content.LoadIntoBufferAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _ok);
                    continue;
                }
                Fail($"{url}: status {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Fail($"{url}: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private void Fail(string failure)
    {
        lock (_gate)
        {
            _failures.Add(failure);
        }
    }
}
