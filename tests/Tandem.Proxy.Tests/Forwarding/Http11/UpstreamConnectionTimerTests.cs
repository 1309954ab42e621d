using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Tandem.Proxy.Forwarding.Http11;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// The silence timer of an upstream connection: arming writes a deadline and moves the timer only when it would fire
/// too late, and the timer checks the deadline when it fires. These pin that no deadline is missed or cut early.
/// </summary>
public sealed class UpstreamConnectionTimerTests : IDisposable
{
    private readonly TcpListener _server = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = [];

    public UpstreamConnectionTimerTests() => _server.Start();

    public void Dispose()
    {
        foreach (var socket in _accepted)
        {
            socket.Dispose();
        }
        _server.Stop();
    }

    private async Task<UpstreamConnection> ConnectAsync(TimeProvider time)
    {
        var connection = await UpstreamConnection.ConnectAsync((IPEndPoint)_server.LocalEndpoint, TimeSpan.FromSeconds(10), time, CancellationToken.None);
        _accepted.Add(await _server.AcceptSocketAsync());
        return connection;
    }

    [Fact]
    public async Task Arm_ServerSilentPastTheWait_CutsOnlyThen()
    {
        var time = new FakeTimeProvider();
        using var connection = await ConnectAsync(time);

        connection.Arm(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromMilliseconds(4_900));
        Assert.Equal(ConnectionAbort.None, connection.AbortReason);
        time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Equal(ConnectionAbort.TimedOut, connection.AbortReason);
    }

    [Fact]
    public async Task Arm_ShorterWaitAfterALongOne_CutsAtTheShorterDeadline()
    {
        var time = new FakeTimeProvider();
        using var connection = await ConnectAsync(time);

        connection.Arm(TimeSpan.FromSeconds(60));
        connection.Disarm();
        connection.Arm(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(ConnectionAbort.TimedOut, connection.AbortReason);
    }

    [Fact]
    public async Task Arm_ReArmedBeforeTheTimerFires_WaitsForTheNewDeadline()
    {
        var time = new FakeTimeProvider();
        using var connection = await ConnectAsync(time);

        connection.Arm(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(3));
        connection.Arm(TimeSpan.FromSeconds(5)); // deadline at 8 s; the timer still fires at 5 s and must look again
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(ConnectionAbort.None, connection.AbortReason);
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(ConnectionAbort.TimedOut, connection.AbortReason);
    }

    [Fact]
    public async Task ManyExchanges_ArmedAndDisarmedInTurn_NeverCutThenCutWhenSilent()
    {
        var time = new FakeTimeProvider();
        using var connection = await ConnectAsync(time);

        for (var exchange = 0; exchange < 2_000; exchange++)
        {
            connection.Arm(TimeSpan.FromSeconds(exchange % 3 == 0 ? 1 : 5));
            time.Advance(TimeSpan.FromMilliseconds(7));
            connection.Disarm();
            time.Advance(TimeSpan.FromMilliseconds(exchange % 100 == 0 ? 3_000 : 5));
        }
        Assert.Equal(ConnectionAbort.None, connection.AbortReason);

        connection.Arm(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromMilliseconds(1_001));
        Assert.Equal(ConnectionAbort.TimedOut, connection.AbortReason);
    }

    [Fact]
    public async Task Disarmed_IdleForAnHour_NotCut()
    {
        var time = new FakeTimeProvider();
        using var connection = await ConnectAsync(time);

        connection.Arm(TimeSpan.FromMilliseconds(100));
        connection.Disarm();
        for (var minute = 0; minute < 60; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(ConnectionAbort.None, connection.AbortReason);
    }

    [Fact]
    public async Task RealClock_ArmAndDisarmRacingTheTimer_LastDeadlineStillCuts()
    {
        // Short waits on the real clock, so the timer fires while exchanges arm and disarm on another thread.
        using var connection = await ConnectAsync(TimeProvider.System);
        await Task.Run(() =>
        {
            for (var exchange = 0; exchange < 20_000; exchange++)
            {
                connection.Arm(TimeSpan.FromMilliseconds(exchange % 2 == 0 ? 30 : 10_000));
                if (exchange % 1_000 == 1)
                {
                    Thread.Sleep(35); // armed for 10 s: the timer set by a 30 ms arm fires now and must set itself again
                }
                connection.Disarm();
            }
        });
        // Not asserted here: a thread preempted for 30 ms between an arm and its disarm is rightly cut on a loaded machine.

        connection.Arm(TimeSpan.FromMilliseconds(50));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (connection.AbortReason == ConnectionAbort.None && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }

        Assert.Equal(ConnectionAbort.TimedOut, connection.AbortReason);
    }
}
