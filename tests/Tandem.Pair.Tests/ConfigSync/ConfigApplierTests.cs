using Tandem.Pair.ConfigSync;

namespace Tandem.Pair.Tests.ConfigSync;

public sealed class ConfigApplierTests
{
    [Theory]
    [InlineData(2, "a", 1, "b", true)]
    [InlineData(1, "b", 2, "a", false)]
    [InlineData(5, "b", 5, "a", true)]
    [InlineData(5, "a", 5, "b", false)]
    [InlineData(5, "a", 5, "a", false)]
    public void IsNewer_StampsThenNodeNames_BothNodesAgree(long stamp, string writer, long otherStamp, string otherWriter, bool newer)
    {
        Assert.Equal(newer, ConfigApplier.IsNewer(stamp, writer, otherStamp, otherWriter));
        if (newer)
        {
            Assert.False(ConfigApplier.IsNewer(otherStamp, otherWriter, stamp, writer));
        }
    }
}
