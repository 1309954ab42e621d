namespace Tandem.Pair.Tests.Replication;

public sealed class WakeupTests
{
    [Fact]
    public async Task WaitAsync_SetManyTimesWhileBusy_WakesOnce()
    {
        var wakeup = new Wakeup();
        wakeup.Set();
        wakeup.Set();
        wakeup.Set();

        await wakeup.WaitAsync(CancellationToken.None).WaitAsync(TestChannels.Bound);
        var second = wakeup.WaitAsync(CancellationToken.None);

        Assert.False(second.IsCompleted);
        wakeup.Set();
        await second.WaitAsync(TestChannels.Bound);
    }

    [Fact]
    public async Task WaitAsync_Cancelled_Throws()
    {
        var wakeup = new Wakeup();
        using var stop = new CancellationTokenSource();
        var waiting = wakeup.WaitAsync(stop.Token);

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
