namespace Tandem.Core.Config;

/// <summary>The level names of <c>logging</c>, in .NET's order (trace is the most verbose, none writes nothing).</summary>
public enum LogSeverity
{
    Trace,
    Debug,
    Info,
    Warning,
    Error,
    Critical,
    None,
}
