using Tandem.Pair.Transport;

namespace Tandem.Pair.OverrideSync;

/// <summary>
/// Every runtime override (a server's weight or state) either node made, with a last-writer-wins stamp per field:
/// the higher (time, writer) wins, so two concurrent edits converge to the same value on both nodes. Local edits get a
/// sequence number the peer acknowledges; entries that came from the peer have none, so they are never sent back.
/// Concurrency: all members lock one gate; the table holds at most two entries per server.
/// </summary>
internal sealed class OverrideTable(string node)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Pool, string Server, string Field), (OverrideEntry Entry, long Seq)> _entries = [];
    private long _seq;
    private long _acked;

    /// <summary>The sequence of the latest local change.</summary>
    public long LastSeq
    {
        get
        {
            lock (_gate)
            {
                return _seq;
            }
        }
    }

    /// <summary>How many local changes the peer has not acknowledged (the published sync lag).</summary>
    public long Unacknowledged
    {
        get
        {
            lock (_gate)
            {
                return Math.Max(0, _seq - _acked);
            }
        }
    }

    /// <summary>The peer has applied every local change up to <paramref name="seq"/>; an older acknowledgement changes nothing.</summary>
    public void Acknowledge(long seq)
    {
        lock (_gate)
        {
            _acked = Math.Max(_acked, seq);
        }
    }

    /// <summary>The peer restarted and knows none of our changes: every local change is to be sent again.</summary>
    public void ForgetAcknowledgements()
    {
        lock (_gate)
        {
            _acked = 0;
        }
    }

    /// <summary>The local changes the peer has not acknowledged, and the highest sequence among them.</summary>
    public (List<OverrideEntry> Entries, long Seq) LocalUnacknowledged()
    {
        lock (_gate)
        {
            return LocalSinceLocked(_acked);
        }
    }

    /// <summary>
    /// Records a change made on this node at <paramref name="nowMillis"/>; the stamp is pushed past any stamp already
    /// held for the field, so a local edit always supersedes what this node shows (even with the peer's clock ahead).
    /// </summary>
    public OverrideEntry RecordLocal(string pool, string server, string field, int? weight, string? state, long nowMillis)
    {
        lock (_gate)
        {
            var key = (pool, server, field);
            var at = _entries.TryGetValue(key, out var old) ? Math.Max(nowMillis, old.Entry.At + 1) : nowMillis;
            var entry = new OverrideEntry(pool, server, field, weight, state, at, node);
            _entries[key] = (entry, ++_seq);
            return entry;
        }
    }

    /// <summary>Takes an entry from the peer if it is newer than what this node holds; true when it was (apply it then).</summary>
    public bool TryMerge(OverrideEntry entry)
    {
        lock (_gate)
        {
            var key = (entry.Pool, entry.Server, entry.Field);
            if (_entries.TryGetValue(key, out var old) && !Newer(entry, old.Entry))
            {
                return false;
            }
            _entries[key] = (entry, 0);
            return true;
        }
    }

    /// <summary>Local changes after <paramref name="acked"/>, and the highest sequence among them.</summary>
    public (List<OverrideEntry> Entries, long Seq) LocalSince(long acked)
    {
        lock (_gate)
        {
            return LocalSinceLocked(acked);
        }
    }

    private (List<OverrideEntry> Entries, long Seq) LocalSinceLocked(long acked)
    {
        var list = new List<OverrideEntry>();
        foreach (var (entry, seq) in _entries.Values)
        {
            if (seq > acked)
            {
                list.Add(entry);
            }
        }
        return (list, _seq);
    }

    /// <summary>Every entry, local or from the peer: the snapshot a returning peer asks for.</summary>
    public List<OverrideEntry> All()
    {
        lock (_gate)
        {
            var list = new List<OverrideEntry>(_entries.Count);
            foreach (var (entry, _) in _entries.Values)
            {
                list.Add(entry);
            }
            return list;
        }
    }

    public static bool Newer(OverrideEntry candidate, OverrideEntry current) =>
        candidate.At != current.At ? candidate.At > current.At : string.CompareOrdinal(candidate.Writer, current.Writer) > 0;
}
