using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tandem.Forecasting.Models;

/// <summary>The persisted forecaster: <c>forecaster.json</c>, versioned, weights as plain JSON arrays.</summary>
internal static class ForecasterFile
{
    public const string FileName = "forecaster.json";
    /// <summary>2: the combination and its first out-of-sample hour (<c>fitEnd</c>); a version 1 file is retrained.</summary>
    public const int CurrentVersion = 2;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    /// <param name="Version">The file format, <see cref="CurrentVersion"/>.</param>
    /// <param name="FitEnd">The first hour the fitted models did not train on.</param>
    /// <param name="LatestFrom">The first origin the refitted models forecast from (null: not refitted).</param>
    /// <param name="Choices">Per horizon, what training chose.</param>
    /// <param name="Models">The models fitted before <paramref name="FitEnd"/> (they made the forecasts of the past).</param>
    /// <param name="Latest">The same refitted on the whole history, forecasting from <paramref name="LatestFrom"/> (empty when not refitted).</param>
    public sealed record Content(int Version, DateTimeOffset FitEnd, DateTimeOffset? LatestFrom, IReadOnlyList<HorizonChoice> Choices,
        IReadOnlyList<ModelState> Models, IReadOnlyList<ModelState> Latest);

    public static void Write(string path, Content content)
    {
        // Write then rename, so a crash mid-write never leaves a half file for the next start to load.
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(content, Json));
        File.Move(temporary, path, overwrite: true);
    }

    public static Content Read(string path)
    {
        Content? content;
        try
        {
            content = JsonSerializer.Deserialize<Content>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidDataException($"{path}: cannot load forecaster: {e.Message}", e);
        }
        if (content is null || content.Version != CurrentVersion || content.Choices is null || content.Models is null || content.Latest is null || content.Choices.Count == 0)
        {
            throw new InvalidDataException($"{path}: not a version {CurrentVersion} forecaster file");
        }
        return content;
    }
}
