namespace Tandem.Core.Config;

/// <summary>How log lines are written.</summary>
public enum LogFormat
{
    Text,
    Json,
}
