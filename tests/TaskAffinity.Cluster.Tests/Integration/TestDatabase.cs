using TaskAffinity.Cluster.Hosting;
using TaskAffinity.LocalPostgres;

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>
/// The journal a test node uses: SQLite in the node's data directory, or a database of its own on the
/// PostgreSQL server shared by the whole test run. Nodes that must see one journal get the same instance.
/// </summary>
internal sealed record TestDatabase(DatabaseKind Kind, string? ConnectionString)
{
    public static readonly TestDatabase Sqlite = new(DatabaseKind.Sqlite, null);

    /// <summary>SQLite as it is (its file lives in the node's data directory), or a fresh, empty PostgreSQL database.</summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind) => kind switch
    {
        DatabaseKind.Sqlite => Sqlite,
        DatabaseKind.PostgreSql => new(kind, await SharedPostgres.CreateDatabaseAsync()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>
/// One private PostgreSQL server for the whole test run, started on first use (a server per test class would
/// cost an initdb each) and stopped by <see cref="TestRun"/> once every test has run. If it cannot start
/// (no binaries), every PostgreSQL test fails with the reason; none is skipped.
/// </summary>
internal static class SharedPostgres
{
    // A failed start is cached too: the remaining tests fail with the same reason instead of retrying it.
    private static readonly Lazy<Task<ThrowawayPostgres>> Server = new(StartAsync);

    public static async Task<string> CreateDatabaseAsync() =>
        await (await Server.Value).CreateDatabaseAsync($"test_{Guid.NewGuid():N}");

    /// <summary>Stops the server and deletes its folder, if it was started.</summary>
    public static async Task StopAsync()
    {
        if (Server.IsValueCreated && Server.Value.IsCompletedSuccessfully)
            await Server.Value.Result.DisposeAsync();
    }

    private static async Task<ThrowawayPostgres> StartAsync()
    {
        try
        {
            return await ThrowawayPostgres.StartAsync("unused"); // each fixture creates a database of its own
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"The *OnPostgres tests need a private PostgreSQL server, which did not start: {e.Message}", e);
        }
    }
}
