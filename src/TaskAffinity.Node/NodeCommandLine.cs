using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using TaskAffinity.Cluster.Hosting;

namespace TaskAffinity.Node;

/// <summary>
/// The flags a node takes and the environment variables behind them (the Akka.Bootstrap.Docker names for the
/// address). A flag wins over its variable; a variable wins over the default.
/// </summary>
internal sealed class NodeCommandLine
{
    public Option<string?> Name { get; } = new("--name") { Description = "Node (host) name; worker ids are NAME/slot. Env: TASKAFFINITY_NODE_NAME", Recursive = true };
    public Option<string?> Hostname { get; } = new("--hostname") { Description = "Address to bind remoting to (default 127.0.0.1, or 0.0.0.0 when CLUSTER_IP is set)", Recursive = true };
    public Option<string?> PublicHostname { get; } = new("--public-hostname") { Description = "Address other nodes reach this one at. Env: CLUSTER_IP", Recursive = true };
    public Option<string?> Port { get; } = new("--port") { Description = "Remoting port, 0 for any free one (default 4053; demo: 0). Env: CLUSTER_PORT", Recursive = true };
    public Option<string?> Seeds { get; } = new("--seeds") { Description = "Comma-separated seed addresses, e.g. akka.tcp://taskaffinity@10.0.0.1:4053. Env: CLUSTER_SEEDS", Recursive = true };
    public Option<string?> Roles { get; } = new("--roles") { Description = "Comma-separated roles: scheduler, worker (default both) or client. Env: TASKAFFINITY_ROLES", Recursive = true };
    public Option<string?> Database { get; } = new("--db") { Description = "sqlite (default) or postgresql. Env: TASKAFFINITY_DB", Recursive = true };
    public Option<string?> ConnectionString { get; } = new("--connection-string") { Description = "Database connection string (required for postgresql). Env: TASKAFFINITY_CONNECTION_STRING", Recursive = true };
    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "Folder for the SQLite file and logs (default ./data). Env: TASKAFFINITY_DATA_DIR", Recursive = true };
    public Option<string?> Admin { get; } = new("--admin") { Description = "Admin endpoint (tactl, /metrics, /health, web page): IP:PORT or off (default 127.0.0.1:9110; demo: 127.0.0.1:0). Env: TASKAFFINITY_ADMIN", Recursive = true };
    public Option<string?> AdminToken { get; } = new("--admin-token") { Description = "Token tactl must send; required when --admin is not loopback. Env: TASKAFFINITY_ADMIN_TOKEN", Recursive = true };
    public Option<string?> Config { get; } = new("--config") { Description = "A HOCON file whose values override hocon/*.conf. Env: TASKAFFINITY_CONFIG", Recursive = true };

    public IEnumerable<Option> All => [Name, Hostname, PublicHostname, Port, Seeds, Roles, Database, ConnectionString, DataDir, Admin, AdminToken, Config];

    /// <summary>Builds the node's options from flags and environment. Throws <see cref="SettingsException"/> naming a bad value.</summary>
    public NodeOptions ToOptions(ParseResult parsed, Func<string, string?> env, int defaultPort, string defaultDataDir, string? defaultAdmin = null)
    {
        string? Pick(Option<string?> flag, string? variable) =>
            parsed.GetValue(flag) is { Length: > 0 } value ? value : variable is null ? null : env(variable) is { Length: > 0 } v ? v : null;

        var defaults = new NodeOptions();
        var publicHost = Pick(PublicHostname, "CLUSTER_IP");
        var port = Pick(Port, "CLUSTER_PORT");
        var database = Pick(Database, "TASKAFFINITY_DB");
        var configFile = Pick(Config, "TASKAFFINITY_CONFIG");
        var admin = Pick(Admin, "TASKAFFINITY_ADMIN") ?? defaultAdmin; // checked, with the rest of the config, by the endpoint
        var adminToken = Pick(AdminToken, "TASKAFFINITY_ADMIN_TOKEN");
        if (configFile is not null && !File.Exists(configFile))
            throw new SettingsException("config (TASKAFFINITY_CONFIG)", configFile, "the path of a readable HOCON file");

        return defaults with
        {
            NodeName = Pick(Name, "TASKAFFINITY_NODE_NAME") ?? defaults.NodeName,
            Hostname = Pick(Hostname, null) ?? (publicHost is null ? defaults.Hostname : "0.0.0.0"),
            PublicHostname = publicHost,
            Port = port is null ? defaultPort
                : int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p
                : throw new SettingsException("port (CLUSTER_PORT)", port, "integers from 0 to 65535 (0 picks a free port)"),
            Seeds = SplitList(Pick(Seeds, "CLUSTER_SEEDS")) ?? defaults.Seeds,
            Roles = SplitList(Pick(Roles, "TASKAFFINITY_ROLES")) ?? defaults.Roles,
            Database = database?.ToLowerInvariant() switch
            {
                null or "sqlite" => DatabaseKind.Sqlite,
                "postgresql" or "postgres" => DatabaseKind.PostgreSql,
                _ => throw new SettingsException("db (TASKAFFINITY_DB)", database, "sqlite, postgresql"),
            },
            ConnectionString = Pick(ConnectionString, "TASKAFFINITY_CONNECTION_STRING"),
            DataDirectory = Pick(DataDir, "TASKAFFINITY_DATA_DIR") ?? defaultDataDir,
            // The flag beats the config file: it is appended after it.
            ExtraHocon = (configFile is null ? "" : File.ReadAllText(configFile))
                + (admin is null ? "" : $"\ntaskaffinity.admin.address = \"{HoconString(admin)}\"\n")
                + (adminToken is null ? "" : $"\ntaskaffinity.admin.token = \"{HoconString(adminToken)}\"\n"),
        };
    }

    // A value placed inside a quoted HOCON string: backslashes and quotes escaped, so it cannot end the string.
    private static string HoconString(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"");

    private static ImmutableArray<string>? SplitList(string? value) =>
        value is null ? null : [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
