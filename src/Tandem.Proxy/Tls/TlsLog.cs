using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Tls;

/// <summary>TLS log messages: event ids 7700-7799.</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 7700, Level = LogLevel.Information, Message = "listener '{Listener}': certificates reloaded ({Count}: {Names})")]
    public static partial void CertificatesReloaded(ILogger logger, string listener, int count, string names);

    [LoggerMessage(EventId = 7701, Level = LogLevel.Error, Message = "listener '{Listener}': certificate change refused, the previous certificate keeps serving: {Reason}")]
    public static partial void CertificateReloadRefused(ILogger logger, string listener, string reason);

    [LoggerMessage(EventId = 7702, Level = LogLevel.Warning, Message = "listener '{Listener}': {Warning}")]
    public static partial void KeyPermissions(ILogger logger, string listener, string warning);

    [LoggerMessage(EventId = 7703, Level = LogLevel.Warning, Message = "listener '{Listener}': certificate {Subject} expired on {NotAfter:u}")]
    public static partial void CertificateExpired(ILogger logger, string listener, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 7704, Level = LogLevel.Warning, Message = "listener '{Listener}': cannot watch {Directory} for certificate changes: {Reason}")]
    public static partial void WatchFailed(ILogger logger, string listener, string directory, string reason);

    [LoggerMessage(EventId = 7710, Level = LogLevel.Information, Message = "ACME: certificate for {Names} issued, valid until {NotAfter:u}")]
    public static partial void AcmeIssued(ILogger logger, string names, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 7711, Level = LogLevel.Warning, Message = "ACME: order for {Names} failed (attempt {Attempt}), next attempt in {Delay}: {Reason}")]
    public static partial void AcmeFailed(ILogger logger, string names, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 7712, Level = LogLevel.Information, Message = "ACME: certificate for {Names} loaded from {Path}, valid until {NotAfter:u}")]
    public static partial void AcmeLoaded(ILogger logger, string names, string path, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 7713, Level = LogLevel.Information, Message = "ACME: certificate for {Names} taken from the pair's peer {Peer}, valid until {NotAfter:u}")]
    public static partial void AcmeFromPeer(ILogger logger, string names, string peer, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 7714, Level = LogLevel.Information, Message = "ACME: certificate for {Names}: waiting for the pair's peer {Peer}, which orders it for both nodes")]
    public static partial void AcmeWaitingForPeer(ILogger logger, string names, string peer);

    [LoggerMessage(EventId = 7705, Level = LogLevel.Warning, Message = "connection {ConnectionId} closed: it negotiated TLS 1.2 with {Suite}, which the listener does not offer")]
    public static partial void SuiteRefused(ILogger logger, string connectionId, string suite);
}
