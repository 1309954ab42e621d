namespace Tandem.Pair.Tests.Transport;

public sealed class PairSecretTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tandem-secret-" + Guid.NewGuid().ToString("N"));

    public PairSecretTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public void Read_SecretWithTrailingNewline_Trimmed()
    {
        var path = Write("0123456789abcdef\n");

        Assert.Equal("0123456789abcdef"u8.ToArray(), PairSecret.Read(path));
    }

    [Fact]
    public void Read_ShortSecret_RefusedWithKeyAndLength()
    {
        var path = Write("  short-secret \n");

        var error = Assert.Throws<PairStartException>(() => PairSecret.Read(path));

        Assert.Equal($"pair.secret-file: the secret in '{path}' is 12 bytes; it must be at least 16 (e.g. head -c 32 /dev/urandom | base64 > {path})", error.Message);
    }

    [Fact]
    public void Read_MissingFile_RefusedNamingTheFile()
    {
        var path = Path.Combine(_directory, "absent.secret");

        var error = Assert.Throws<PairStartException>(() => PairSecret.Read(path));

        Assert.StartsWith($"pair.secret-file: cannot read '{path}': ", error.Message, StringComparison.Ordinal);
    }

    private string Write(string text)
    {
        var path = Path.Combine(_directory, "pair.secret");
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
