namespace Tandem.Pair.Tests.Replication;

public sealed class PairReplicatorsTests
{
    [Fact]
    public void SnapshotParts_MixedReplicators_OnlyPartsInRegistrationOrder()
    {
        var replicators = new PairReplicators();
        var first = new Part("config");
        var second = new Part("overrides");
        replicators.Add(new Plain());
        replicators.Add(first);
        replicators.Add(new Plain());
        replicators.Add(second);

        Assert.Equal([first, second], replicators.SnapshotParts);
    }

    [Fact]
    public void OnPeerHeartbeat_EveryReplicator_ToldInRegistrationOrder()
    {
        var replicators = new PairReplicators();
        var heard = new List<string>();
        replicators.Add(new Part("one", heard));
        replicators.Add(new Plain());
        replicators.Add(new Part("two", heard));

        replicators.OnPeerHeartbeat(new HeartbeatMessage("b", "b-2", "backup", null, 0, null), restarted: true);
        replicators.OnPeerFound();

        Assert.Equal(["one heartbeat restarted", "two heartbeat restarted", "one found", "two found"], heard);
    }

    [Fact]
    public async Task Run_Replicators_StartsEveryLoop()
    {
        var replicators = new PairReplicators();
        replicators.Add(new Plain());
        replicators.Add(new Part("one"));

        var loops = replicators.Run(CancellationToken.None);

        Assert.Equal(2, loops.Length);
        await Task.WhenAll(loops).WaitAsync(TestChannels.Bound);
    }

    /// <summary>A replicator that uses every default.</summary>
    private sealed class Plain : IPairReplicator;

    private sealed class Part(string name, List<string>? heard = null) : IPairReplicator, ISnapshotPart
    {
        public void OnPeerFound() => heard?.Add(name + " found");

        public void OnPeerHeartbeat(HeartbeatMessage heartbeat, bool restarted) => heard?.Add(name + " heartbeat" + (restarted ? " restarted" : ""));

        public SnapshotMessage AddTo(SnapshotMessage snapshot) => snapshot;

        public Task TakeAsync(SnapshotMessage snapshot, string peer, bool firstSync, CancellationToken cancellationToken) => Task.CompletedTask;

        public override string ToString() => name;
    }
}
