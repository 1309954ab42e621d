using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

/// <summary>Parses inline YAML under the label <c>test.yaml</c> and hands back what a user would see.</summary>
internal static class LoadYaml
{
    public const string File = "test.yaml";

    /// <summary>Every problem, formatted as <c>tandem validate</c> prints it; fails if the config came back anyway.</summary>
    public static List<string> Problems(string yaml)
    {
        var result = ConfigLoader.Parse(yaml, File);
        Assert.Null(result.Config);
        Assert.False(result.IsValid);
        return result.Problems.Select(p => p.ToString()).ToList();
    }

    /// <summary>The config; fails with the problems' text if there were any.</summary>
    public static TandemConfig Valid(string yaml)
    {
        var result = ConfigLoader.Parse(yaml, File);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config!;
    }
}
