using Microsoft.Extensions.Logging;

namespace Tandem.Pair;

/// <summary>The pair's log lines; event ids 2000-2099.</summary>
internal static partial class PairLog
{
    [LoggerMessage(2000, LogLevel.Information, "Pair channel of node {Node} listening on {Bind}; peer at {Peer}")]
    public static partial void Started(ILogger logger, string node, string bind, string peer);

    [LoggerMessage(2001, LogLevel.Warning, "Pair peer {Peer} lost: nothing heard for {Silence} ms (peer-timeout {Timeout} ms)")]
    public static partial void PeerLost(ILogger logger, string peer, long silence, long timeout);

    [LoggerMessage(2002, LogLevel.Information, "Pair peer {Peer} found")]
    public static partial void PeerFound(ILogger logger, string peer);

    [LoggerMessage(2003, LogLevel.Warning, "Pair message refused from {Remote} on {Path}: {Reason} ({Suppressed} more refused since the last such line)")]
    public static partial void MessageRefused(ILogger logger, string remote, string path, string reason, long suppressed);

    [LoggerMessage(2004, LogLevel.Information, "Pair synced with peer {Peer}: {Entries} runtime overrides applied from its snapshot")]
    public static partial void Synced(ILogger logger, string peer, int entries);

    [LoggerMessage(2005, LogLevel.Warning, "Pair peer {Peer} did not answer within {Timeout} ms of startup; running as synced on this node's own state")]
    public static partial void SyncedAlone(ILogger logger, string peer, long timeout);

    [LoggerMessage(2006, LogLevel.Information, "Pair applied {Field} of {Pool}/{Server} = {Value} from peer {Peer}")]
    public static partial void ChangeApplied(ILogger logger, string field, string pool, string server, string value, string peer);

    [LoggerMessage(2007, LogLevel.Warning, "Pair change from peer {Peer} names {Pool}/{Server}, which this node does not run; kept for a later config")]
    public static partial void ChangeUnknownServer(ILogger logger, string peer, string pool, string server);

    [LoggerMessage(2008, LogLevel.Warning, "Pair config version {Version} from peer {Peer} refused: {Problem}; the running config {Running} stays")]
    public static partial void ConfigRefused(ILogger logger, string version, string peer, string problem, string running);

    [LoggerMessage(2009, LogLevel.Information, "Pair config version {Version} from peer {Peer} written to {Path} and applied")]
    public static partial void ConfigAccepted(ILogger logger, string version, string peer, string path);

    [LoggerMessage(2010, LogLevel.Information, "Pair offered config version {Version} to peer {Peer}: {Outcome}")]
    public static partial void ConfigOffered(ILogger logger, string version, string peer, string outcome);

    [LoggerMessage(2011, LogLevel.Debug, "Pair message {Type} to {Peer} failed: {Reason}")]
    public static partial void SendFailed(ILogger logger, string type, string peer, string reason);

    [LoggerMessage(2012, LogLevel.Warning, "Pair config sync is off: {Reason}")]
    public static partial void ConfigSyncOff(ILogger logger, string reason);

    [LoggerMessage(2013, LogLevel.Information, "Pair channel stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(2014, LogLevel.Warning, "Pair {Loop} loop failed: {Reason}")]
    public static partial void LoopFailed(ILogger logger, string loop, string reason);
}
