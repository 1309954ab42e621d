using Tandem.Core.Runtime;
using Tandem.Pair.Vip;

namespace Tandem.Pair.Tests.Vip;

public sealed class VrrpRoleParserTests
{
    [Theory]
    [InlineData("MASTER 150\n", PairRole.Master)]
    [InlineData("BACKUP 1", PairRole.Backup)]
    [InlineData("FAULT 0\n", PairRole.Fault)]
    [InlineData("STOP 0", PairRole.Fault)]
    [InlineData("  MASTER", PairRole.Master)]
    public void Parse_KeepalivedState_Role(string text, PairRole expected) => Assert.Equal(expected, VrrpRoleParser.Parse(text));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("master 150")]
    [InlineData("DELETED")]
    public void Parse_NotAState_Null(string? text) => Assert.Null(VrrpRoleParser.Parse(text));
}
