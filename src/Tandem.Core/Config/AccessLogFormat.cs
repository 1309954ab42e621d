namespace Tandem.Core.Config;

/// <summary>The line format of the access log.</summary>
public enum AccessLogFormat
{
    Json,
    Combined,
}
