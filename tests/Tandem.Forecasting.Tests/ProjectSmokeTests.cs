namespace Tandem.Forecasting.Tests;

public sealed class ProjectSmokeTests
{
    [Fact]
    public void Assembly_Loads() => Assert.NotNull(typeof(ProjectSmokeTests).Assembly);
}
