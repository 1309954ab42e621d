using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;

namespace Tandem.Pair.Transport;

/// <summary>
/// The authenticated channel between the two nodes: the listener on <c>pair.bind</c> answers the <see cref="Routes"/> the
/// replicators mapped, and <see cref="TrySendAsync"/> sends a signed message to the peer, counts it and logs a failure.
/// It knows no message of its own: replicators bring their paths, messages and loops.
/// Concurrency: routes are mapped before <see cref="StartAsync"/>; after that everything is safe from any thread.
/// </summary>
internal sealed class PairChannel : IAsyncDisposable
{
    private readonly PairConfig _config;
    private readonly PairSigner _signer;
    private readonly PairClient _client;
    private readonly Action<string, string>? _count;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private PairServer? _server;

    /// <summary>
    /// <paramref name="config"/>: this node's <c>pair</c> section;
    /// <paramref name="secret"/>: the shared secret every message is signed with;
    /// <paramref name="incarnation"/>: identifies this start of the node; the peer sees a restart when it changes;
    /// <paramref name="count"/>: counts a message by type and result (the metrics); none when null.
    /// </summary>
    public PairChannel(PairConfig config, byte[] secret, string incarnation, Action<string, string>? count, ILogger logger, TimeProvider time)
    {
        _config = config;
        _count = count;
        _logger = logger;
        _time = time;
        Incarnation = incarnation;
        _signer = new PairSigner(secret, config.Node, time);
        _client = new PairClient(config.Peer.ToString(), _signer, config.PeerTimeout ?? ConfigDefaults.PairPeerTimeout);
    }

    /// <summary>This node's name.</summary>
    public string Node => _config.Node;

    /// <summary>Identifies this start of the node (sent with heartbeats and changes).</summary>
    public string Incarnation { get; }

    /// <summary>The peer's pair channel as configured (<c>pair.peer</c>), for log lines before its name is known.</summary>
    public string PeerAddress => _config.Peer.ToString();

    /// <summary>What the listener answers; map every path before <see cref="StartAsync"/>.</summary>
    public PairRoutes Routes { get; } = new();

    /// <summary>Binds <c>pair.bind</c> and starts answering the mapped routes.</summary>
    /// <exception cref="PairStartException"><c>pair.bind</c> cannot be bound.</exception>
    public async Task StartAsync(CancellationToken cancellationToken) =>
        _server = await PairServer.StartAsync(_config.Bind, _signer, Routes, _count, _logger, _time, cancellationToken);

    /// <summary>
    /// Sends <paramref name="message"/> to the peer's <paramref name="path"/>; returns its verified answer, or null when
    /// there was none (counted with the failure's label and logged at debug, naming <paramref name="peer"/> or the address).
    /// An answer is counted <c>ok</c>, or with the label <paramref name="resultOf"/> gives it.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (stopping).</exception>
    public async Task<TAnswer?> TrySendAsync<TRequest, TAnswer>(string path, TRequest message, JsonTypeInfo<TRequest> request,
        JsonTypeInfo<TAnswer> answer, CancellationToken cancellationToken, Func<TAnswer, string>? resultOf = null, string? peer = null)
        where TAnswer : class
    {
        var type = PairPaths.TypeOf(path);
        try
        {
            var reply = await _client.SendAsync(path, message, request, answer, cancellationToken);
            _count?.Invoke(type, resultOf?.Invoke(reply) ?? "ok");
            return reply;
        }
        catch (PairSendException ex)
        {
            _count?.Invoke(type, ex.Result);
            PairLog.SendFailed(_logger, type, peer ?? PeerAddress, ex.Message);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _client.Dispose();
    }
}
