using System.Text.RegularExpressions;
using Akka.Configuration;
using Microsoft.Data.Sqlite;

namespace TaskAffinity.Cluster.Hosting;

/// <summary>A node's checked options, its merged HOCON and the scheduler settings read from it.</summary>
public sealed record NodeConfig(NodeOptions Options, Config Hocon, TaskAffinitySettings Settings)
{
    private static readonly string[] Files = ["taskaffinity.conf", "cluster.conf", "serialization.conf"];

    /// <summary>
    /// Checks the options, reads the HOCON files (the extra HOCON first, so it wins), and reads the settings.
    /// Throws <see cref="SettingsException"/> naming the first bad key; nothing has started yet when it does.
    /// </summary>
    public static NodeConfig Load(NodeOptions options)
    {
        Check(options);
        var database = options.Database == DatabaseKind.Sqlite ? "persistence-sqlite.conf" : "persistence-postgresql.conf";
        var config = ConfigurationFactory.ParseString(ConnectionHocon(options));
        if (!string.IsNullOrWhiteSpace(options.ExtraHocon))
            config = ConfigurationFactory.ParseString(options.ExtraHocon).WithFallback(config);
        foreach (var file in Files.Append(database))
        {
            var path = Path.Combine(options.HoconDirectory, file);
            if (!File.Exists(path))
                throw new SettingsException("hocon-directory", options.HoconDirectory, $"a folder holding {string.Join(", ", Files)} and the persistence files ({path} is missing)");
            config = config.WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(path)));
        }
        return new NodeConfig(options, config, TaskAffinitySettings.FromConfig(config));
    }

    private static string ConnectionHocon(NodeOptions o)
    {
        var connection = o.Database == DatabaseKind.Sqlite && string.IsNullOrWhiteSpace(o.ConnectionString)
            ? $"Data Source={o.SqliteFile}"
            : o.ConnectionString!;
        var quoted = "\"" + connection.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return $$"""
            akka.persistence.journal.sql.connection-string = {{quoted}}
            akka.persistence.snapshot-store.sql.connection-string = {{quoted}}
            akka.persistence.query.journal.sql.connection-string = {{quoted}}
            """;
    }

    private static void Check(NodeOptions o)
    {
        if (!Regex.IsMatch(o.SystemName, "^[a-zA-Z0-9][a-zA-Z0-9_-]*$"))
            throw new SettingsException("system-name", o.SystemName, "letters, digits, '-' and '_', starting with a letter or digit");
        if (!Regex.IsMatch(o.NodeName, "^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$"))
            throw new SettingsException("node-name (TASKAFFINITY_NODE_NAME)", o.NodeName, "1 to 63 letters, digits, '.', '-' and '_'");
        if (o.Port is < 0 or > 65535)
            throw new SettingsException("port (CLUSTER_PORT)", o.Port.ToString(), "integers from 0 to 65535 (0 picks a free port)");
        if (string.IsNullOrWhiteSpace(o.Hostname))
            throw new SettingsException("hostname (CLUSTER_IP)", o.Hostname, "a host name or IP address");
        if (o.Roles.IsDefaultOrEmpty)
            throw new SettingsException("roles (TASKAFFINITY_ROLES)", "", $"one or more of: {string.Join(", ", NodeOptions.KnownRoles)}");
        foreach (var role in o.Roles.Where(r => !NodeOptions.KnownRoles.Contains(r)))
            throw new SettingsException("roles (TASKAFFINITY_ROLES)", role, $"one or more of: {string.Join(", ", NodeOptions.KnownRoles)}");
        if (o.HasRole(NodeOptions.ClientRole) && o.Roles.Length > 1)
            throw new SettingsException("roles (TASKAFFINITY_ROLES)", string.Join(",", o.Roles), "'client' alone, or any of scheduler and worker");
        if (o.HasRole(NodeOptions.ClientRole) && o.Seeds.IsDefaultOrEmpty)
            throw new SettingsException("seeds (CLUSTER_SEEDS)", "", "at least one seed address: a client node joins an existing cluster");
        foreach (var seed in o.Seeds.Where(s => !Regex.IsMatch(s, @"^akka\.tcp://[a-zA-Z0-9_-]+@[^:/]+:\d{1,5}/?$")))
            throw new SettingsException("seeds (CLUSTER_SEEDS)", seed, $"addresses like akka.tcp://{o.SystemName}@host:4053, separated by commas");
        if (o.Database == DatabaseKind.PostgreSql && string.IsNullOrWhiteSpace(o.ConnectionString))
            throw new SettingsException("connection-string (TASKAFFINITY_CONNECTION_STRING)", "", "a PostgreSQL connection string such as Host=db;Port=5432;Username=postgres;Database=taskaffinity, required with database = postgresql");
    }

    /// <summary>
    /// Creates the SQLite file on first start and switches it to WAL mode, which is a property of the file
    /// (it persists) and roughly quadruples journal throughput (shared/ENVIRONMENT.md).
    /// </summary>
    public void PrepareDatabase()
    {
        if (Options.Database != DatabaseKind.Sqlite || !string.IsNullOrWhiteSpace(Options.ConnectionString))
            return;
        string? mode;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Options.SqliteFile)!);
            using var connection = new SqliteConnection($"Data Source={Options.SqliteFile}");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            mode = command.ExecuteScalar() as string;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new SettingsException("data-dir (TASKAFFINITY_DATA_DIR)", Options.DataDirectory,
                $"a folder this node can create and write its SQLite file in ({e.Message})");
        }
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new SettingsException("data-dir", Options.DataDirectory, $"a folder where SQLite can use WAL mode (got journal_mode={mode})");
    }

    /// <summary>Whether the journal's database answers a trivial query (readiness); the error when it does not.</summary>
    public async Task<string?> PingDatabaseAsync(CancellationToken cancel)
    {
        try
        {
            await using System.Data.Common.DbConnection connection = Options.Database == DatabaseKind.PostgreSql
                ? new Npgsql.NpgsqlConnection(Options.ConnectionString)
                : new SqliteConnection(string.IsNullOrWhiteSpace(Options.ConnectionString) ? $"Data Source={Options.SqliteFile};Mode=ReadOnly" : Options.ConnectionString);
            await connection.OpenAsync(cancel);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancel);
            return null;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException or OperationCanceledException or ArgumentException)
        {
            return $"{Options.Database} journal not reachable: {e.Message}";
        }
    }
}
