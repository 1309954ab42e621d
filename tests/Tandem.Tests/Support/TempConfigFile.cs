using System.Text;

namespace Tandem.Tests.Support;

/// <summary>A YAML config file in a directory of its own under the temp folder, deleted on dispose.</summary>
internal sealed class TempConfigFile : IDisposable
{
    private readonly string _directory;

    public TempConfigFile(string yaml)
    {
        _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tandem-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        Path = System.IO.Path.Combine(_directory, "tandem.yaml");
        File.WriteAllText(Path, yaml, Encoding.UTF8);
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Replaces the content in one step (write a sibling, rename over), as editors and config managers do.</summary>
    public void Rewrite(string yaml)
    {
        var next = Path + ".next";
        File.WriteAllText(next, yaml, Encoding.UTF8);
        File.Move(next, Path, overwrite: true);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file must not fail a test.
        }
    }
}
