using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Dns;

/// <summary>Server name resolution log lines, with stable event ids (1750-1759).</summary>
internal static partial class DnsLog
{
    [LoggerMessage(EventId = 1750, Level = LogLevel.Information, Message = "{Name} now resolves to {Addresses} (was {Previous})")]
    public static partial void Moved(ILogger logger, string name, string addresses, string previous);

    [LoggerMessage(EventId = 1751, Level = LogLevel.Warning, Message = "{Name} does not resolve ({Error}); keeping {Addresses} until it does")]
    public static partial void Failing(ILogger logger, string name, string error, string addresses);

    [LoggerMessage(EventId = 1752, Level = LogLevel.Information, Message = "{Name} resolves again, to {Addresses}")]
    public static partial void Recovered(ILogger logger, string name, string addresses);
}
