namespace Tandem.Core.Pools;

/// <summary>What health checking has concluded about a server.</summary>
public enum HealthStatus
{
    Up,
    Down,
}
