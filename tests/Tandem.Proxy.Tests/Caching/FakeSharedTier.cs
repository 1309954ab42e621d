using System.Collections.Concurrent;
using Tandem.Proxy.Caching;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>
/// One shared store (what Redis would be) in this process; each node gets its own <see cref="Node"/> over it, so a
/// purge on one raises <see cref="ISharedCacheTier.Purged"/> on the others, as Redis's pub/sub would.
/// </summary>
internal sealed class FakeSharedStore
{
    public ConcurrentDictionary<string, (byte[] Value, string[] Tags)> Values { get; } = new(StringComparer.Ordinal);

    private readonly List<Node> _nodes = [];

    /// <summary>What every node's calls do: answer, throw, or never answer.</summary>
    public FakeTierMode Mode { get; set; }

    public int Sets;

    /// <summary>The time to live of each key's last write.</summary>
    public ConcurrentDictionary<string, TimeSpan> TimesToLive { get; } = new(StringComparer.Ordinal);

    public Node Connect()
    {
        var node = new Node(this);
        lock (_nodes)
        {
            _nodes.Add(node);
        }
        return node;
    }

    internal sealed class Node(FakeSharedStore store) : ISharedCacheTier
    {
        public bool Available => store.Mode == FakeTierMode.Answer;

        public event Action<CachePurge>? Purged;

        public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
        {
            await Misbehave(cancellationToken);
            return store.Values.TryGetValue(key, out var v) ? v.Value : null;
        }

        public async ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan timeToLive, IReadOnlyList<string> tags, CancellationToken cancellationToken)
        {
            await Misbehave(cancellationToken);
            Interlocked.Increment(ref store.Sets);
            store.Values[key] = (value.ToArray(), [.. tags]);
            store.TimesToLive[key] = timeToLive;
        }

        public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
        {
            await Misbehave(cancellationToken);
            store.Values.TryRemove(key, out _);
        }

        public async ValueTask<long> PurgeAsync(CachePurge purge, CancellationToken cancellationToken)
        {
            await Misbehave(cancellationToken);
            long removed = 0;
            foreach (var (key, (_, tags)) in store.Values)
            {
                var selected = purge.Kind switch
                {
                    CachePurgeKind.Key => key == purge.Value || key.StartsWith(purge.Value + CacheKeys.VariantSeparator, StringComparison.Ordinal),
                    CachePurgeKind.Prefix => key.StartsWith(purge.Value, StringComparison.Ordinal),
                    _ => tags.Contains(purge.Value),
                };
                if (selected && store.Values.TryRemove(key, out _))
                {
                    removed++;
                }
            }
            List<Node> others;
            lock (store._nodes)
            {
                others = store._nodes.Where(n => n != this).ToList();
            }
            foreach (var other in others)
            {
                other.Purged?.Invoke(purge);
            }
            return removed;
        }

        private Task Misbehave(CancellationToken cancellationToken) => store.Mode switch
        {
            FakeTierMode.Throw => throw new InvalidOperationException("the store is down"),
            FakeTierMode.Hang => Task.Delay(Timeout.Infinite, cancellationToken),
            _ => Task.CompletedTask,
        };

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public enum FakeTierMode
{
    Answer,
    Throw,
    Hang,
}
