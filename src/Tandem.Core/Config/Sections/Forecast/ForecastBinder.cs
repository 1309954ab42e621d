namespace Tandem.Core.Config.Sections.Forecast;

/// <summary>
/// The <c>forecast</c> section: where traffic history is kept and how often models are trained. A pool's own
/// <c>capacity</c> and <c>scale-ahead</c> are read with the pool.
/// </summary>
internal static class ForecastBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        DataDir = Keys.Add("data-dir"),
        MinuteRetentionDays = Keys.Add("minute-retention-days"),
        HourRetentionDays = Keys.Add("hour-retention-days"),
        RetrainInterval = Keys.Add("retrain-interval");

    public static ForecastConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var dataDir = reader.String(map, path, DataDir);
        if (dataDir is { Length: 0 })
        {
            reader.Problem(ConfigReader.Value(map, DataDir)!, DataDir.At(path), "must not be empty");
        }
        return new ForecastConfig
        {
            DataDir = dataDir,
            MinuteRetentionDays = reader.Int(map, path, MinuteRetentionDays, 1, 366),
            HourRetentionDays = reader.Int(map, path, HourRetentionDays, 1, 3660),
            RetrainInterval = reader.Duration(map, path, RetrainInterval),
        };
    }
}
