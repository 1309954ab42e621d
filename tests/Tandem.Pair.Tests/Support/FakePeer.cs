namespace Tandem.Pair.Tests.Support;

/// <summary>A peer whose liveness and last heartbeat a test sets; counts the messages reported heard.</summary>
internal sealed class FakePeer : IPairPeer
{
    private int _heard;

    public bool Alive { get; set; } = true;

    public PeerInfo Info { get; set; } = PeerInfo.Unknown with { Name = "b" };

    public string Name => Info.Name ?? "127.0.0.1:1";

    public int HeardCount => Volatile.Read(ref _heard);

    public void Heard(string sender) => Interlocked.Increment(ref _heard);
}
