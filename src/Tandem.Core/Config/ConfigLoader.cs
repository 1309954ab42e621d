using System.Security.Cryptography;
using System.Text;
using Tandem.Core.Files;
using YamlDotNet.Core;

namespace Tandem.Core.Config;

/// <summary>
/// Loads and validates a YAML config. Every problem of the file is reported at once, each with the file,
/// line:column, key path and bad value (<see cref="ConfigProblem"/>); a config comes back only when there are none.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Reads and validates <paramref name="path"/>; problems name the path as given.</summary>
    /// <remarks>A file over <see cref="ConfigDefaults.MaxConfigFileSize"/> is refused unread past the limit.</remarks>
    public static ConfigLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = ReadText(path);
        }
        catch (FileTooLargeException)
        {
            return new ConfigLoadResult(null, [new ConfigProblem(path, 1, 1, "",
                $"cannot read config: larger than {BoundedFile.Describe(ConfigDefaults.MaxConfigFileSize)}, the most a config file may be")]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new ConfigLoadResult(null, [new ConfigProblem(path, 1, 1, "", "cannot read config: " + ex.Message)]);
        }
        return Parse(text, path);
    }

    /// <summary>The text of a config file, bounded by <see cref="ConfigDefaults.MaxConfigFileSize"/> (throws <see cref="FileTooLargeException"/>).</summary>
    public static string ReadText(string path) => BoundedFile.ReadAllText(path, ConfigDefaults.MaxConfigFileSize, "a config file");

    /// <summary>Validates YAML text; <paramref name="fileLabel"/> is what problems and <see cref="TandemConfig.Source"/> call it.</summary>
    public static ConfigLoadResult Parse(string yaml, string fileLabel)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(fileLabel);
        var reader = new ConfigReader(fileLabel);
        List<YamlNode?> documents;
        try
        {
            documents = YamlTree.Parse(yaml);
        }
        catch (YamlException ex)
        {
            reader.Problem((int)ex.Start.Line, (int)ex.Start.Column, "", "YAML syntax error: " + YamlTree.Message(ex));
            return new ConfigLoadResult(null, reader.Problems);
        }

        if (documents.Count == 0 || documents[0] is null or YamlScalar { IsNull: true })
        {
            reader.Problem(1, 1, "", "config is empty; expected keys listeners and pools");
            return new ConfigLoadResult(null, reader.Problems);
        }
        if (documents.Count > 1)
        {
            var second = documents[1]!;
            reader.Problem(second.Line, second.Column, "", "only one YAML document is allowed");
        }

        var config = Sections.RootBinder.Bind(reader, documents[0]!);
        var problems = Sorted(reader.Problems);
        if (problems.Count > 0 || config is null)
        {
            return new ConfigLoadResult(null, problems);
        }
        return new ConfigLoadResult(config with { Source = fileLabel, Version = VersionOf(yaml) }, []) { Names = reader.BackendNames, Warnings = Sorted(reader.Warnings) };
    }

    /// <summary>The version of a config text: the first 12 hex digits of its SHA-256.</summary>
    public static string VersionOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }

    /// <summary>Document order; OrderBy is stable, so problems at one position keep the order they were found in.</summary>
    private static List<ConfigProblem> Sorted(IReadOnlyList<ConfigProblem> problems) =>
        problems.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList();
}
