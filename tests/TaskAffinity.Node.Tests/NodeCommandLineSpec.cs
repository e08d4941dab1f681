using System.CommandLine;
using Shouldly;
using TaskAffinity.Cluster.Hosting;
using Xunit;

namespace TaskAffinity.Node.Tests;

/// <summary>
/// The node's flags and the environment variables behind them, parsed in-process: what <see cref="NodeOptions"/>
/// they build, which one wins, and how a bad value is reported.
/// </summary>
public sealed class NodeCommandLineSpec
{
    private const int DefaultPort = 4711;
    private const string DefaultDataDir = "some-data";

    private static NodeOptions Options(string[] args, Dictionary<string, string>? env = null)
    {
        var flags = new NodeCommandLine();
        var root = new RootCommand("test");
        foreach (var option in flags.All)
            root.Options.Add(option);
        var parsed = root.Parse(args);
        parsed.Errors.ShouldBeEmpty();
        var variables = env ?? [];
        return flags.ToOptions(parsed, name => variables.GetValueOrDefault(name), DefaultPort, DefaultDataDir);
    }

    [Fact]
    public void Without_flags_or_variables_a_node_uses_the_defaults_it_is_given()
    {
        var options = Options([]);

        options.Port.ShouldBe(DefaultPort);
        options.DataDirectory.ShouldBe(DefaultDataDir);
        options.Roles.ShouldBe([NodeOptions.SchedulerRole, NodeOptions.WorkerRole]);
        options.Database.ShouldBe(DatabaseKind.Sqlite);
        options.ConnectionString.ShouldBeNull();
        options.Hostname.ShouldBe("127.0.0.1");
        options.PublicHostname.ShouldBeNull();
        options.Seeds.ShouldBeEmpty();
        options.NodeName.ShouldBe(Environment.MachineName.ToLowerInvariant());
        options.ExtraHocon.ShouldBe("");
    }

    [Fact]
    public void CLUSTER_IP_sets_the_public_hostname_and_binds_to_every_interface()
    {
        var options = Options([], new() { ["CLUSTER_IP"] = "10.1.2.3" });

        options.PublicHostname.ShouldBe("10.1.2.3");
        options.Hostname.ShouldBe("0.0.0.0");
    }

    [Fact]
    public void An_explicit_hostname_flag_is_kept_even_when_CLUSTER_IP_is_set()
    {
        var options = Options(["--hostname", "192.168.0.5"], new() { ["CLUSTER_IP"] = "10.1.2.3" });

        options.Hostname.ShouldBe("192.168.0.5");
        options.PublicHostname.ShouldBe("10.1.2.3");
    }

    [Fact]
    public void CLUSTER_PORT_sets_the_port()
    {
        Options([], new() { ["CLUSTER_PORT"] = "5055" }).Port.ShouldBe(5055);
    }

    [Fact]
    public void CLUSTER_SEEDS_is_a_comma_separated_list_with_blanks_trimmed_and_empties_dropped()
    {
        var options = Options([], new() { ["CLUSTER_SEEDS"] = " akka.tcp://taskaffinity@a:4053 ,akka.tcp://taskaffinity@b:4053,, " });

        options.Seeds.ShouldBe(["akka.tcp://taskaffinity@a:4053", "akka.tcp://taskaffinity@b:4053"]);
    }

    [Fact]
    public void The_TASKAFFINITY_variables_set_roles_database_connection_data_dir_and_name()
    {
        var options = Options([], new()
        {
            ["TASKAFFINITY_ROLES"] = "worker, client",
            ["TASKAFFINITY_DB"] = "PostgreSQL",
            ["TASKAFFINITY_CONNECTION_STRING"] = "Host=db;Database=ta",
            ["TASKAFFINITY_DATA_DIR"] = "/var/lib/ta",
            ["TASKAFFINITY_NODE_NAME"] = "node-7",
        });

        options.Roles.ShouldBe(["worker", "client"]);
        options.Database.ShouldBe(DatabaseKind.PostgreSql);
        options.ConnectionString.ShouldBe("Host=db;Database=ta");
        options.DataDirectory.ShouldBe("/var/lib/ta");
        options.NodeName.ShouldBe("node-7");
    }

    [Fact]
    public void Postgres_is_accepted_as_another_name_for_postgresql()
    {
        Options([], new() { ["TASKAFFINITY_DB"] = "postgres" }).Database.ShouldBe(DatabaseKind.PostgreSql);
    }

    [Fact]
    public void An_empty_variable_counts_as_unset()
    {
        var options = Options([], new() { ["CLUSTER_PORT"] = "", ["TASKAFFINITY_ROLES"] = "", ["CLUSTER_IP"] = "" });

        options.Port.ShouldBe(DefaultPort);
        options.Roles.ShouldBe([NodeOptions.SchedulerRole, NodeOptions.WorkerRole]);
        options.Hostname.ShouldBe("127.0.0.1");
    }

    [Fact]
    public void Each_flag_wins_over_its_environment_variable()
    {
        var env = new Dictionary<string, string>
        {
            ["CLUSTER_IP"] = "10.0.0.1",
            ["CLUSTER_PORT"] = "1111",
            ["CLUSTER_SEEDS"] = "akka.tcp://taskaffinity@env:4053",
            ["TASKAFFINITY_ROLES"] = "client",
            ["TASKAFFINITY_DB"] = "postgresql",
            ["TASKAFFINITY_CONNECTION_STRING"] = "Host=env",
            ["TASKAFFINITY_DATA_DIR"] = "env-data",
            ["TASKAFFINITY_NODE_NAME"] = "env-name",
        };

        var options = Options([
            "--public-hostname", "10.9.9.9", "--port", "2222", "--seeds", "akka.tcp://taskaffinity@flag:4053",
            "--roles", "worker", "--db", "sqlite", "--connection-string", "Data Source=flag.db",
            "--data-dir", "flag-data", "--name", "flag-name",
        ], env);

        options.PublicHostname.ShouldBe("10.9.9.9");
        options.Port.ShouldBe(2222);
        options.Seeds.ShouldBe(["akka.tcp://taskaffinity@flag:4053"]);
        options.Roles.ShouldBe(["worker"]);
        options.Database.ShouldBe(DatabaseKind.Sqlite);
        options.ConnectionString.ShouldBe("Data Source=flag.db");
        options.DataDirectory.ShouldBe("flag-data");
        options.NodeName.ShouldBe("flag-name");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("4053x")]
    public void A_CLUSTER_PORT_that_is_not_a_number_is_rejected_naming_the_variable_and_the_range(string port)
    {
        var error = Should.Throw<SettingsException>(() => Options([], new() { ["CLUSTER_PORT"] = port }));

        error.Message.ShouldContain("CLUSTER_PORT");
        error.Message.ShouldContain("0 to 65535");
        error.Message.ShouldContain($"'{port}'");
    }

    [Fact]
    public void An_unknown_TASKAFFINITY_DB_is_rejected_naming_the_variable_and_the_choices()
    {
        var error = Should.Throw<SettingsException>(() => Options([], new() { ["TASKAFFINITY_DB"] = "oracle" }));

        error.Message.ShouldContain("TASKAFFINITY_DB");
        error.Message.ShouldContain("sqlite, postgresql");
        error.Message.ShouldContain("'oracle'");
    }

    [Fact]
    public void A_config_flag_naming_a_missing_file_is_rejected_naming_config()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"taskaffinity-missing-{Guid.NewGuid():N}.conf");

        var error = Should.Throw<SettingsException>(() => Options(["--config", missing]));

        error.Key.ShouldContain("config");
        error.Message.ShouldContain("config");
        error.Message.ShouldContain(missing);
    }

    [Fact]
    public void A_config_file_is_read_into_the_extra_hocon_and_TASKAFFINITY_CONFIG_names_one_too()
    {
        var file = Path.Combine(Path.GetTempPath(), $"taskaffinity-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, "taskaffinity.worker.slots = 3\n");
        try
        {
            Options(["--config", file]).ExtraHocon.ShouldBe("taskaffinity.worker.slots = 3\n");
            Options([], new() { ["TASKAFFINITY_CONFIG"] = file }).ExtraHocon.ShouldBe("taskaffinity.worker.slots = 3\n");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_admin_address_and_token_come_from_flags_or_variables_and_reach_the_settings_verbatim()
    {
        var fromFlags = NodeConfig.Load(Options(["--admin", "0.0.0.0:9200", "--admin-token", "a\"b\\c"]) with { DataDirectory = Path.GetTempPath() });
        fromFlags.Settings.Admin.Address.ShouldBe("0.0.0.0:9200");
        fromFlags.Settings.Admin.Token.ShouldBe("a\"b\\c"); // quotes and backslashes cannot end the HOCON string

        var fromEnv = NodeConfig.Load(Options([], new() { ["TASKAFFINITY_ADMIN"] = "off", ["TASKAFFINITY_ADMIN_TOKEN"] = "t" }) with { DataDirectory = Path.GetTempPath() });
        fromEnv.Settings.Admin.Enabled.ShouldBeFalse();
        fromEnv.Settings.Admin.Token.ShouldBe("t");

        NodeConfig.Load(Options([]) with { DataDirectory = Path.GetTempPath() }).Settings.Admin.Address.ShouldBe("127.0.0.1:9110");
    }
}
