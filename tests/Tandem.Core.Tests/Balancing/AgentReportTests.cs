using Tandem.Core.Balancing;

namespace Tandem.Core.Tests.Balancing;

public sealed class AgentReportTests
{
    [Theory]
    [InlineData("42", 42.0)]
    [InlineData("42%", 42.0)]
    [InlineData(" 42.5\n", 42.5)]
    [InlineData("0", 0.0)]
    [InlineData("100%", 100.0)]
    public void TryParse_LoadPercent_Parsed(string body, double load)
    {
        Assert.Equal(new AgentReport(load, null), AgentReport.TryParse(body));
    }

    [Theory]
    [InlineData("weight=7", 7)]
    [InlineData("weight=1", 1)]
    [InlineData("weight=256\r\n", 256)]
    public void TryParse_Weight_Parsed(string body, int weight)
    {
        Assert.Equal(new AgentReport(null, weight), AgentReport.TryParse(body));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("weight=0")]
    [InlineData("weight=300")]
    [InlineData("")]
    [InlineData("%")]
    [InlineData("weight=")]
    [InlineData("weight=-3")]
    [InlineData("1e2")]
    public void TryParse_Malformed_Null(string body)
    {
        Assert.Null(AgentReport.TryParse(body));
    }
}
