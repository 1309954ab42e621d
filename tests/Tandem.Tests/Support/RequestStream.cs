using Tandem.Testing;

namespace Tandem.Tests.Support;

/// <summary>
/// A steady stream of GET requests from a few concurrent clients until stopped, counting answers that were not 2xx
/// (or never came) as failures. Requests cut short by <see cref="StopAsync"/> itself do not count.
/// </summary>
internal sealed class RequestStream : IAsyncDisposable
{
    private readonly HttpClient _client = TestHttp.Client(TimeSpan.FromSeconds(10));
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _failures = [];
    private readonly Lock _gate = new();
    private readonly Task[] _loops;
    private long _succeeded;

    private RequestStream(Uri target, int concurrency)
    {
        _loops = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => LoopAsync(target)))];
    }

    public long Succeeded => Interlocked.Read(ref _succeeded);

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

    public static RequestStream Start(Uri target, int concurrency = 2) => new(target, concurrency);

    /// <summary>Waits until <paramref name="count"/> more requests than now have succeeded; false at the bound.</summary>
    public Task<bool> WaitForMoreAsync(long count, TimeSpan timeout)
    {
        var target = Succeeded + count;
        return TestHttp.WaitUntilAsync(() => Task.FromResult(Succeeded >= target), timeout, TimeSpan.FromMilliseconds(20));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(15));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync(Uri target)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var response = await _client.GetAsync(target, _stop.Token);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _succeeded);
                }
                else
                {
                    Fail($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(_stop.Token)}");
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Fail(ex.GetType().Name + ": " + ex.Message);
            }
        }
    }

    private void Fail(string description)
    {
        lock (_gate)
        {
            _failures.Add(description);
        }
    }
}
