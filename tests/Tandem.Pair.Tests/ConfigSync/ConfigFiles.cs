using Tandem.Core.Config;

namespace Tandem.Pair.Tests.ConfigSync;

/// <summary>Node a's config file in a temporary directory, and the shared parts the tests offer it.</summary>
internal sealed class ConfigFiles : IDisposable
{
    public const string OwnSections = """
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            pool: app
        pair:
          node: a
          bind: 127.0.0.1:7001
          peer: 127.0.0.1:7002
          secret-file: /run/pair.secret

        """;

    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tandem-config-sync-" + Guid.NewGuid().ToString("N"));

    public ConfigFiles(int servers, DateTime writtenUtc)
    {
        Directory.CreateDirectory(_directory);
        Path = System.IO.Path.Combine(_directory, "tandem.yaml");
        File.WriteAllText(Path, Shared(servers) + OwnSections);
        File.SetLastWriteTimeUtc(Path, writtenUtc);
    }

    public string Path { get; }

    /// <summary>The part both nodes share: pool app with <paramref name="servers"/> servers.</summary>
    public static string Shared(int servers)
    {
        var text = "pools:\n  - name: app\n    servers:\n";
        for (var i = 1; i <= servers; i++)
        {
            text += $"      - address: 127.0.0.1:{9000 + i}\n        name: s{i}\n";
        }
        return text;
    }

    /// <summary>An offer from node b of <paramref name="shared"/>, written at <paramref name="writtenUtc"/>.</summary>
    public static ConfigOffer Offer(string shared, DateTime writtenUtc) =>
        new("b", ConfigLoader.VersionOf(shared), new DateTimeOffset(writtenUtc).ToUnixTimeMilliseconds(), shared);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
