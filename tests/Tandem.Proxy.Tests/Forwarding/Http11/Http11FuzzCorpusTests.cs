using Tandem.Fuzz;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// Every saved fuzz input (fuzz/corpus/*: the seeds, and any crash afl-fuzz found, once fixed) through both fuzz
/// targets of fuzz/Tandem.Fuzz, with their invariant checks: the corpus is a permanent regression test that needs no
/// afl-fuzz.
/// </summary>
public sealed class Http11FuzzCorpusTests
{
    private static readonly string Corpus = Path.Combine(RepositoryRoot(), "fuzz", "corpus");

    public static TheoryData<string> CorpusFiles()
    {
        var files = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Corpus, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetRelativePath(Corpus, path));
        }
        return files;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void FuzzTargets_CorpusFile_NeitherThrowNorBreakInvariants(string file)
    {
        var input = File.ReadAllBytes(Path.Combine(Corpus, file));

        foreach (var (name, target) in FuzzTargets.ByName)
        {
            var failure = Replay.RunOne(target, input);
            Assert.True(failure is null, $"{name} on {file}: {failure}");
        }
    }

    [Fact]
    public void Corpus_HasSeedsForEveryTarget()
    {
        foreach (var name in FuzzTargets.ByName.Keys)
        {
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(Corpus, name)));
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tandem.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Tandem.slnx not found above " + AppContext.BaseDirectory);
    }
}
