namespace Tandem.Core.Config;

/// <summary>The three levels of the design document, mapped onto the <c>severity</c> label.</summary>
public enum AlertLevel
{
    Warning,
    Critical,
    Disaster,
}
