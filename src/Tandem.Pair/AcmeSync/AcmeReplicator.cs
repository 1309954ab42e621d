using System.Collections.Concurrent;
using Tandem.Core.Runtime;
using Tandem.Pair.Replication;
using Tandem.Pair.Transport;

namespace Tandem.Pair.AcmeSync;

/// <summary>
/// ACME certificates shared by the pair, so one node orders and both serve: answers the peer's fetch with this node's
/// certificate, sends each certificate this node ordered to the peer as soon as it has it (again when the peer comes
/// back, until the peer has answered), and tells the certificates which node orders while both are up: the one whose
/// name sorts first. A private key crosses the channel only sealed (<see cref="PairSealer"/>).
/// Concurrency: the channel's threads answer; one loop sends; <see cref="FetchAsync"/> comes from the certificates' loops.
/// </summary>
internal sealed class AcmeReplicator : IPairReplicator, IAcmePeer
{
    private readonly PairContext _pair;
    private readonly IPairPeer _peer;
    private readonly AcmeSharing _sharing;
    private readonly PairSealer _sealer;
    private readonly ConcurrentDictionary<string, SharedCertificate> _pending = new(StringComparer.Ordinal);
    private readonly Wakeup _wakeup = new();

    public AcmeReplicator(PairContext pair, IPairPeer peer, AcmeSharing sharing, PairSealer sealer)
    {
        _pair = pair;
        _peer = peer;
        _sharing = sharing;
        _sealer = sealer;
    }

    public bool Alive => _peer.Alive;

    public bool Orders => _peer.Info.Name is not { } other || string.CompareOrdinal(_pair.Channel.Node, other) < 0;

    public string Name => _peer.Name;

    public void Map(PairRoutes routes)
    {
        routes.Map(PairPaths.AcmeFetch, PairJsonContext.Default.AcmeFetchMessage, PairJsonContext.Default.AcmeCertificateMessage,
            (message, sender, _) =>
            {
                _peer.Heard(sender);
                return ValueTask.FromResult(_sharing.Local?.Invoke(message.Key) is { } local
                    ? Seal(local)
                    : new AcmeCertificateMessage(message.Key, false, null, null, null));
            });
        routes.Map(PairPaths.AcmeOffer, PairJsonContext.Default.AcmeCertificateMessage, PairJsonContext.Default.AcmeOfferReply,
            (message, sender, _) =>
            {
                _peer.Heard(sender);
                var taken = Open(message, sender) is { } offered && (_sharing.Offer?.Invoke(offered) ?? false);
                return ValueTask.FromResult(new AcmeOfferReply(taken));
            });
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        _sharing.Issued += Queue;
        _sharing.Peer = this;
        try
        {
            while (true)
            {
                await _wakeup.WaitAsync(stopping);
                await SendAsync(stopping);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _sharing.Issued -= Queue;
            _sharing.Peer = null;
        }
    }

    public void OnPeerFound() => _wakeup.Set();

    public async Task<SharedCertificate?> FetchAsync(string key, CancellationToken cancellationToken)
    {
        if (!_peer.Alive)
        {
            return null;
        }
        var reply = await _pair.Channel.TrySendAsync(PairPaths.AcmeFetch, new AcmeFetchMessage(key), PairJsonContext.Default.AcmeFetchMessage,
            PairJsonContext.Default.AcmeCertificateMessage, cancellationToken, r => r.Found ? "ok" : "none", _peer.Name);
        return reply is { Found: true } && reply.Key == key && _peer.Info.Name is { } sender ? Open(reply, sender) : null;
    }

    private void Queue(SharedCertificate certificate)
    {
        _pending[certificate.Key] = certificate;
        _wakeup.Set();
    }

    private async Task SendAsync(CancellationToken stopping)
    {
        foreach (var (key, certificate) in _pending)
        {
            if (!_peer.Alive)
            {
                return; // sent when the peer is found again
            }
            var reply = await _pair.Channel.TrySendAsync(PairPaths.AcmeOffer, Seal(certificate), PairJsonContext.Default.AcmeCertificateMessage,
                PairJsonContext.Default.AcmeOfferReply, stopping, r => r.Taken ? "ok" : "kept", _peer.Name);
            if (reply is null)
            {
                return;
            }
            _pending.TryRemove(new KeyValuePair<string, SharedCertificate>(key, certificate));
        }
    }

    private AcmeCertificateMessage Seal(SharedCertificate certificate)
    {
        var (nonce, sealedKey) = _sealer.Seal(certificate.KeyPem, Associated(certificate.Key, _pair.Channel.Node));
        return new AcmeCertificateMessage(certificate.Key, true, certificate.ChainPem, nonce, sealedKey);
    }

    private SharedCertificate? Open(AcmeCertificateMessage message, string sender) =>
        message is { Found: true, ChainPem: { } chain, Nonce: { } nonce, SealedKey: { } sealedKey }
        && _sealer.Open(nonce, sealedKey, Associated(message.Key, sender)) is { } keyPem
            ? new SharedCertificate(message.Key, chain, keyPem)
            : null;

    private static string Associated(string key, string sender) => "acme-key\n" + sender + "\n" + key;
}
