namespace Tandem.Core.Config;

/// <summary>How a listener treats request header values with bytes above 0x7F.</summary>
public enum NonAsciiHeaders
{
    /// <summary>Sent on to the server unchanged (Latin-1 in, Latin-1 out: every byte kept).</summary>
    Pass,

    /// <summary>Refused with 400 by Tandem; the request never reaches a server.</summary>
    Reject,
}
