namespace Tandem.Core.Config;

/// <summary>How a tcp listener moves bytes (<c>listeners[].splice</c>).</summary>
public enum SpliceMode
{
    Auto,
    Off,
}
