using Tandem.Core.Config;

namespace Tandem.Forecasting.Planning;

/// <summary>Runs the outside scale actions (webhooks and commands); <c>wake-backups</c> the planner does itself.</summary>
public interface IScaleActions
{
    /// <summary>Runs <paramref name="action"/> within its timeout and describes the outcome; never throws for a failed action.</summary>
    Task<PlannedAction> RunAsync(ScaleAction action, ScaleRequest request, CancellationToken cancellationToken);
}
