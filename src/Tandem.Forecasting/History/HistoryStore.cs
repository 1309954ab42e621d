using System.Globalization;
using Microsoft.Data.Sqlite;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.History;

/// <summary>
/// Request counts per minute and per hour in an embedded SQLite database (<c>DATA-DIR/history.db</c>), for each
/// series (a pool or a listener). Minutes are rolled up into hours as they are written; old rows are pruned by
/// <see cref="Prune"/>. Concurrency: one connection, every call serialized under a lock; called only from background
/// work (the recorder's minute tick, the planner, imports), never from the request path.
/// </summary>
public sealed class HistoryStore : IDisposable
{
    /// <summary>The database file name inside the data directory.</summary>
    public const string FileName = "history.db";

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;

    private HistoryStore(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens (creating when needed) the store in <paramref name="dataDir"/>.</summary>
    public static HistoryStore Open(string dataDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        Directory.CreateDirectory(dataDir);
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, FileName), Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS minute_counts (kind TEXT NOT NULL, name TEXT NOT NULL, minute INTEGER NOT NULL, requests INTEGER NOT NULL,
                    PRIMARY KEY (kind, name, minute)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS hour_counts (kind TEXT NOT NULL, name TEXT NOT NULL, hour INTEGER NOT NULL, requests REAL NOT NULL,
                    PRIMARY KEY (kind, name, hour)) WITHOUT ROWID;
                """;
            command.ExecuteNonQuery();
        }
        return new HistoryStore(connection);
    }

    /// <summary>
    /// Adds one minute's counts (one transaction for the whole batch): each row is added to its minute and to its hour,
    /// so a minute written twice counts twice (the recorder writes each minute once).
    /// </summary>
    public void AddMinutes(IReadOnlyList<MinuteCount> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return;
        }
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var minute = Prepare(transaction, """
                INSERT INTO minute_counts (kind, name, minute, requests) VALUES ($kind, $name, $at, $requests)
                ON CONFLICT (kind, name, minute) DO UPDATE SET requests = requests + excluded.requests
                """);
            using var hour = Prepare(transaction, """
                INSERT INTO hour_counts (kind, name, hour, requests) VALUES ($kind, $name, $at, $requests)
                ON CONFLICT (kind, name, hour) DO UPDATE SET requests = requests + excluded.requests
                """);
            foreach (var count in counts)
            {
                var unixMinute = count.Minute.ToUnixTimeSeconds() / 60;
                Run(minute, count.Series, unixMinute, count.Requests);
                Run(hour, count.Series, unixMinute / 60, count.Requests);
            }
            transaction.Commit();
        }
    }

    /// <summary>Sets whole hours (an import): an hour already present is replaced, not added to.</summary>
    public void SetHours(SeriesKey series, IReadOnlyList<(DateTimeOffset Hour, double Requests)> hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = Prepare(transaction, """
                INSERT INTO hour_counts (kind, name, hour, requests) VALUES ($kind, $name, $at, $requests)
                ON CONFLICT (kind, name, hour) DO UPDATE SET requests = excluded.requests
                """);
            foreach (var (hour, requests) in hours)
            {
                Run(command, series, hour.ToUnixTimeSeconds() / 3600, requests);
            }
            transaction.Commit();
        }
    }

    /// <summary>
    /// Hourly counts of <paramref name="series"/> for hours <c>[from, to)</c> (both truncated to the hour); an hour
    /// without a row is NaN (Tandem was not running or nothing was imported: a gap, not zero traffic).
    /// </summary>
    public HourlySeries Hours(SeriesKey series, DateTimeOffset from, DateTimeOffset to)
    {
        var first = from.ToUnixTimeSeconds() / 3600;
        var end = to.ToUnixTimeSeconds() / 3600;
        var values = new double[Math.Max(0, end - first)];
        Array.Fill(values, double.NaN);
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT hour, requests FROM hour_counts WHERE kind = $kind AND name = $name AND hour >= $from AND hour < $to";
            command.Parameters.AddWithValue("$kind", series.KindName);
            command.Parameters.AddWithValue("$name", series.Name);
            command.Parameters.AddWithValue("$from", first);
            command.Parameters.AddWithValue("$to", end);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                values[reader.GetInt64(0) - first] = reader.GetDouble(1);
            }
        }
        return new HourlySeries(DateTimeOffset.FromUnixTimeSeconds(first * 3600), values);
    }

    /// <summary>The first hour with data for <paramref name="series"/>, or null when there is none.</summary>
    public DateTimeOffset? FirstHour(SeriesKey series) => Scalar(series, "SELECT MIN(hour) FROM hour_counts WHERE kind = $kind AND name = $name") is { } hour
        ? DateTimeOffset.FromUnixTimeSeconds(hour * 3600)
        : null;

    /// <summary>The requests of minutes <c>[from, to)</c> of <paramref name="series"/>, summed.</summary>
    public long MinuteTotal(SeriesKey series, DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(SUM(requests), 0) FROM minute_counts WHERE kind = $kind AND name = $name AND minute >= $from AND minute < $to";
            command.Parameters.AddWithValue("$kind", series.KindName);
            command.Parameters.AddWithValue("$name", series.Name);
            command.Parameters.AddWithValue("$from", from.ToUnixTimeSeconds() / 60);
            command.Parameters.AddWithValue("$to", to.ToUnixTimeSeconds() / 60);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>How many minute rows the store holds (for tests and the retention check).</summary>
    public long MinuteRows() => Scalar(null, "SELECT COUNT(*) FROM minute_counts") ?? 0;

    /// <summary>How many hour rows the store holds.</summary>
    public long HourRows() => Scalar(null, "SELECT COUNT(*) FROM hour_counts") ?? 0;

    /// <summary>Deletes minutes older than <paramref name="minutesAfter"/> and hours older than <paramref name="hoursAfter"/>.</summary>
    public void Prune(DateTimeOffset minutesAfter, DateTimeOffset hoursAfter)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM minute_counts WHERE minute < $minute; DELETE FROM hour_counts WHERE hour < $hour;";
            command.Parameters.AddWithValue("$minute", minutesAfter.ToUnixTimeSeconds() / 60);
            command.Parameters.AddWithValue("$hour", hoursAfter.ToUnixTimeSeconds() / 3600);
            command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private long? Scalar(SeriesKey? series, string sql)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            if (series is { } key)
            {
                command.Parameters.AddWithValue("$kind", key.KindName);
                command.Parameters.AddWithValue("$name", key.Name);
            }
            var result = command.ExecuteScalar();
            return result is null or DBNull ? null : Convert.ToInt64(result, CultureInfo.InvariantCulture);
        }
    }

    private SqliteCommand Prepare(SqliteTransaction transaction, string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.Add("$kind", SqliteType.Text);
        command.Parameters.Add("$name", SqliteType.Text);
        command.Parameters.Add("$at", SqliteType.Integer);
        command.Parameters.Add("$requests", SqliteType.Real);
        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, SeriesKey series, long at, double requests)
    {
        command.Parameters["$kind"].Value = series.KindName;
        command.Parameters["$name"].Value = series.Name;
        command.Parameters["$at"].Value = at;
        command.Parameters["$requests"].Value = requests;
        command.ExecuteNonQuery();
    }
}
