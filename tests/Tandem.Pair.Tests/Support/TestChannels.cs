using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Core.Config;

namespace Tandem.Pair.Tests.Support;

/// <summary>
/// Pair channels on loopback for replicator tests: node <c>a</c> (the one under test) and node <c>b</c>, its peer, which
/// answers the routes a test maps. Both sign with one secret and one clock, so a fake clock that a test advances never
/// makes their messages stale to each other.
/// </summary>
internal sealed class TestChannels : IAsyncDisposable
{
    public static readonly byte[] Secret = "0123456789abcdef0123"u8.ToArray();

    /// <summary>The heartbeat interval of both nodes.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(100);

    /// <summary>The peer timeout of the replicators (<see cref="PairA"/>), on the test's clock.</summary>
    public static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a test waits for what a loop does, and how long one exchange may take: generous, because a loaded
    /// 2-core machine has taken over a second for one loopback exchange, and a send a test waits on is not retried
    /// (retries wait on the test's clock).
    /// </summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly List<string> _counted = [];
    private readonly TimeProvider _time;

    private TestChannels(TimeProvider time, ILogger? logger)
    {
        _time = time;
        var portA = TestHttp.FreePort();
        var portB = TestHttp.FreePort();
        A = new PairChannel(Config("a", portA, portB), Secret, "a-1", Count, logger ?? NullLogger.Instance, time);
        B = new PairChannel(Config("b", portB, portA), Secret, "b-1", null, NullLogger.Instance, time);
    }

    /// <summary>Node a's channel, not started: a test calls its routes directly or sends from it.</summary>
    public PairChannel A { get; }

    /// <summary>Node b's channel, a's peer; listening only when the test mapped routes for it.</summary>
    public PairChannel B { get; }

    /// <summary>What node a's replicators work with: its channel, the test's clock, <paramref name="logger"/> (none when null).</summary>
    public PairContext PairA(ILogger? logger = null) => new(A, _time, Heartbeat, PeerTimeout, logger ?? NullLogger.Instance);

    /// <summary>a's messages as counted for the metrics, "type result" each, in order.</summary>
    public IReadOnlyList<string> CountedA
    {
        get
        {
            lock (_counted)
            {
                return [.. _counted];
            }
        }
    }

    /// <summary>Two channels pointed at each other; b answers what <paramref name="mapB"/> maps (null: b is absent).</summary>
    public static async Task<TestChannels> StartAsync(TimeProvider time, Action<PairRoutes>? mapB = null, ILogger? logger = null)
    {
        var channels = new TestChannels(time, logger);
        if (mapB is not null)
        {
            mapB(channels.B.Routes);
            await channels.B.StartAsync(CancellationToken.None);
        }
        return channels;
    }

    public static PairConfig Config(string node, int bind, int peer) => new()
    {
        Node = node,
        Bind = new HostPort("127.0.0.1", bind),
        Peer = new HostPort("127.0.0.1", peer),
        SecretFile = "unused",
        Heartbeat = Heartbeat,
        // The channel's client gives up on an exchange after this long (real time).
        PeerTimeout = Bound,
    };

    private void Count(string type, string result)
    {
        lock (_counted)
        {
            _counted.Add(type + " " + result);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
