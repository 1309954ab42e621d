using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

public sealed class AdminTokenConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tandem-token-").FullName;

    private static string Yaml(string tokenFile) => $"""
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            pool: app
        admin:
          bind: 127.0.0.1:9090
          token-file: {tokenFile}
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001
        """;

    private string File(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Parse_TokenFileWithToken_KeepsThePath()
    {
        var path = File("token", "  s3cret-token\n");

        var config = LoadYaml.Valid(Yaml(path));

        Assert.Equal(path, config.Admin!.TokenFile);
        Assert.True(AdminToken.TryRead(path, out var token, out _));
        Assert.Equal("s3cret-token", token);
    }

    [Fact]
    public void Parse_NoTokenFile_Null()
    {
        var config = LoadYaml.Valid(Yaml("x").Replace("  token-file: x\n", "", StringComparison.Ordinal));

        Assert.Null(config.Admin!.TokenFile);
    }

    [Fact]
    public void Parse_TokenFileMissing_NamesTheFile()
    {
        var path = Path.Combine(_dir, "missing");

        var problems = LoadYaml.Problems(Yaml(path));

        Assert.Equal([$"test.yaml:7:15: admin.token-file: token file '{path}' does not exist"], problems);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t\n")]
    public void Parse_TokenFileEmpty_SaysSo(string content)
    {
        var path = File("empty", content);

        var problems = LoadYaml.Problems(Yaml(path));

        Assert.Equal([$"test.yaml:7:15: admin.token-file: token file '{path}' is empty; put the admin token in it"], problems);
    }

    [Fact]
    public void Parse_TokenFileWithTwoWords_Refused()
    {
        var path = File("two", "one two\n");

        var problems = LoadYaml.Problems(Yaml(path));

        Assert.Equal([$"test.yaml:7:15: admin.token-file: token file '{path}' holds more than one word; the token must not contain spaces or line breaks"], problems);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
