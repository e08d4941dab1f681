using System.Collections.Immutable;

namespace TaskAffinity.Cluster.Hosting;

public enum DatabaseKind
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// What an operator sets per node (flags and environment variables map onto these); everything else is in
/// the HOCON files. <see cref="NodeConfig.Load"/> checks every value.
/// </summary>
public sealed record NodeOptions
{
    public const string SchedulerRole = "scheduler";
    public const string WorkerRole = "worker";
    public const string ClientRole = "client";
    public static readonly ImmutableArray<string> KnownRoles = [SchedulerRole, WorkerRole, ClientRole];

    /// <summary>The actor system's name: every node of a cluster must use the same one.</summary>
    public string SystemName { get; init; } = "taskaffinity";

    /// <summary>This node's host id: worker ids are <c>NodeName/slot</c>.</summary>
    public string NodeName { get; init; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>Address to bind remoting to.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Address other nodes use to reach this one (default: <see cref="Hostname"/>).</summary>
    public string? PublicHostname { get; init; }

    /// <summary>Remoting port; 0 picks a free one.</summary>
    public int Port { get; init; } = 4053;

    /// <summary>Seed node addresses (<c>akka.tcp://taskaffinity@host:port</c>). Empty: this node forms a cluster of its own.</summary>
    public ImmutableArray<string> Seeds { get; init; } = [];

    public ImmutableArray<string> Roles { get; init; } = [SchedulerRole, WorkerRole];

    public DatabaseKind Database { get; init; } = DatabaseKind.Sqlite;

    /// <summary>For PostgreSQL, required. For SQLite, optional: by default the file is <c>DataDirectory/taskaffinity.db</c>.</summary>
    public string? ConnectionString { get; init; }

    public string DataDirectory { get; init; } = "data";

    /// <summary>Folder holding the HOCON files (shipped beside the executable).</summary>
    public string HoconDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "hocon");

    /// <summary>HOCON that overrides the files (tests, or an operator's <c>--config</c> file).</summary>
    public string ExtraHocon { get; init; } = "";

    public bool HasRole(string role) => Roles.Contains(role);

    public string SqliteFile => Path.GetFullPath(Path.Combine(DataDirectory, "taskaffinity.db"));
}
