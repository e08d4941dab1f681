using Microsoft.Data.Sqlite;

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>
/// Holds a node's SQLite file's write lock until disposed: the node's writes wait (SQLite retries a busy
/// file for up to 30 s), its reads do not. For tests that need writes to be slow however fast the machine.
/// </summary>
internal sealed class SqliteWriteLock : IAsyncDisposable
{
    private readonly SqliteConnection _connection;

    private SqliteWriteLock(SqliteConnection connection) => _connection = connection;

    public static async Task<SqliteWriteLock> TakeAsync(string sqliteFile)
    {
        var connection = new SqliteConnection($"Data Source={sqliteFile}");
        await connection.OpenAsync();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE;";
        await begin.ExecuteNonQueryAsync();
        return new SqliteWriteLock(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var rollback = _connection.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }
        await _connection.DisposeAsync();
    }
}
