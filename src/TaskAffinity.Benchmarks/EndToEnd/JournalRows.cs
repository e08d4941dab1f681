using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using TaskAffinity.Cluster.Hosting;

namespace TaskAffinity.Benchmarks.EndToEnd;

/// <summary>
/// Counts what the node wrote to its journal, by kind of writer (chains, workers, the shard's remembered
/// entities, the predictor), straight from the tables Akka.Persistence.Sql creates.
/// </summary>
internal sealed class JournalRows(DatabaseKind database, string connectionString, bool inMemory)
{
    /// <summary>Highest journal ordering so far: rows after it are the measured run's.</summary>
    public async Task<long> MarkAsync() =>
        inMemory ? 0 : Convert.ToInt64(await ScalarAsync("SELECT COALESCE(MAX(ordering), 0) FROM event_journal") ?? 0L);

    /// <summary>Rows written after <paramref name="mark"/>, by writer kind (persistence id up to its first '-' or '/').</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountSinceAsync(long mark)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (inMemory) return counts; // a --hocon experiment with the in-memory journal: nothing to count
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT persistence_id, COUNT(*) FROM event_journal WHERE ordering > {mark} GROUP BY persistence_id";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var kind = KindOf(reader.GetString(0));
            counts[kind] = counts.GetValueOrDefault(kind) + reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>Snapshots held now (the store keeps only some; this is what is left, not what was written).</summary>
    public async Task<long> SnapshotsAsync()
    {
        if (inMemory) return 0;
        // The table's name depends on the table mapping (snapshot for SQLite, snapshot_store for PostgreSQL).
        var tables = database == DatabaseKind.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'snapshot%'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'snapshot%'";
        var table = await ScalarAsync(tables) as string;
        return table is null ? 0 : Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM {table}") ?? 0L);
    }

    internal static string KindOf(string persistenceId)
    {
        if (persistenceId.Contains("sharding", StringComparison.OrdinalIgnoreCase)) return "sharding";
        var end = persistenceId.IndexOfAny(['-', '/']);
        return end > 0 ? persistenceId[..end] : persistenceId;
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private DbConnection Open() => database == DatabaseKind.Sqlite
        ? new SqliteConnection(connectionString)
        : new NpgsqlConnection(connectionString);
}
