using System.Collections.Immutable;
using Akka.Configuration;
using Shouldly;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Cluster.Tests.Hosting;

/// <summary>The shipped HOCON defaults, and every bad value stopping the node with the key and what is accepted.</summary>
public sealed class SettingsSpec : IDisposable
{
    private static readonly string HoconDirectory = Path.Combine(AppContext.BaseDirectory, "hocon");

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "taskaffinity-settings-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }

    private static Config Shipped() =>
        ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(HoconDirectory, "taskaffinity.conf")));

    private static TaskAffinitySettings Read(string hocon) =>
        TaskAffinitySettings.FromConfig(ConfigurationFactory.ParseString(hocon).WithFallback(Shipped()));

    private NodeOptions Options() => new() { HoconDirectory = HoconDirectory, DataDirectory = _dataDirectory, NodeName = "node-1" };

    [Fact]
    public void The_shipped_file_gives_the_defaults()
    {
        var settings = TaskAffinitySettings.FromConfig(Shipped());

        settings.MaxTasksPerChain.ShouldBe(10_000);
        settings.DefaultMaxRetries.ShouldBe(3);
        settings.MaxRetriesByType.ShouldBeEmpty();
        settings.MaxRetriesFor("SnapshotCopy").ShouldBe(3);
        settings.LeaseCheckInterval.ShouldBe(TimeSpan.FromSeconds(3));
        settings.LeaseTimeout.ShouldBe(TimeSpan.FromSeconds(10));
        settings.PassivateFinishedAfter.ShouldBe(TimeSpan.FromMinutes(2));
        settings.CheckpointInterval.ShouldBe(TimeSpan.FromMilliseconds(100));
        settings.CheckpointMaxRedo.ShouldBe(TimeSpan.FromSeconds(1));
        settings.SlotsPerNode.ShouldBe(Math.Max(2, Environment.ProcessorCount * 2));
        settings.TaskTimeout.ShouldBe(TimeSpan.FromMinutes(5));
        settings.OutcomeResendInterval.ShouldBe(TimeSpan.FromSeconds(2));
        settings.SlotHeartbeat.ShouldBe(TimeSpan.FromSeconds(5));
        settings.WorkerSnapshotEvery.ShouldBe(50);
        settings.WorkerSnapshotMinInterval.ShouldBe(TimeSpan.FromSeconds(5));
        settings.PlacementPolicy.ShouldBe("affinity");
        settings.Affinity.WeightsFor("SnapshotView").Duration.ShouldBe(0.8);
        settings.Affinity.WeightsFor("SnapshotCopy").ShouldBe(settings.Affinity.DefaultWeights);
        settings.WorkerStaleAfter.ShouldBe(TimeSpan.FromSeconds(15));
        settings.HostCapacity.ShouldBe(new ResourceVector(Environment.ProcessorCount, 4096, 500, 1000, 0));
    }

    private static readonly TaskAffinitySettings Defaults = new();

    [Fact]
    public void The_shipped_file_reads_the_same_as_the_built_in_defaults()
    {
        // The shipped file adds one thing the built-in defaults lack: latency-first weights for SnapshotView.
        var shipped = TaskAffinitySettings.FromConfig(Shipped());
        (shipped with { Affinity = shipped.Affinity with { WeightsByType = Defaults.Affinity.WeightsByType } }).ShouldBe(Defaults);
        TaskAffinitySettings.FromConfig(Config.Empty).ShouldBe(Defaults);
    }

    [Fact]
    public void Prefetch_and_cache_settings_are_read()
    {
        var settings = Read("""
            taskaffinity.prefetch { enabled = off, buffer-size = 8, max-buffer-time = 500ms, lookahead = 3, min-confidence = 0.5,
              max-mb-in-flight = 16, max-concurrent-fetches = 2, max-unused-share = 0.25, fetch-timeout = 2s, fetch-attempts = 5, retry-backoff = 50ms }
            taskaffinity.cache { capacity-mb = 64, policy = lfu }
            """).Prefetch;

        (settings.Enabled, settings.BufferSize, settings.EffectiveBufferSize, settings.Lookahead).ShouldBe((false, 8, 0, 3));
        settings.MaxBufferTime.ShouldBe(TimeSpan.FromMilliseconds(500));
        (settings.Planner.MinConfidence, settings.Planner.MaxBytesInFlight, settings.Planner.MaxConcurrentFetches, settings.Planner.MaxUnusedShare)
            .ShouldBe((0.5, 16L * 1024 * 1024, 2, 0.25));
        (settings.FetchTimeout, settings.FetchAttempts, settings.RetryBackoff).ShouldBe((TimeSpan.FromSeconds(2), 5, TimeSpan.FromMilliseconds(50)));
        (settings.Cache.CapacityBytes, settings.Cache.Policy).ShouldBe((64L * 1024 * 1024, EvictionPolicy.Lfu));
    }

    [Fact]
    public void Retry_limits_are_read_per_task_type_with_a_default()
    {
        var settings = Read("taskaffinity.chains.retry-limits { default = 2, SnapshotCopy = 5 }");

        settings.DefaultMaxRetries.ShouldBe(2);
        settings.MaxRetriesFor("SnapshotCopy").ShouldBe(5);
        settings.MaxRetriesFor("SnapshotCreate").ShouldBe(2);
        settings.MaxRetriesByType.Keys.ShouldBe([new TaskType("SnapshotCopy")]);
    }

    [Fact]
    public void A_retry_limit_for_a_task_type_with_a_dot_in_its_name_is_read()
    {
        var settings = Read("""taskaffinity.chains.retry-limits { "Snapshots.Copy" = 5 }""");

        settings.MaxRetriesFor("Snapshots.Copy").ShouldBe(5);
    }

    [Fact]
    public void Retry_limits_that_are_not_a_section_are_rejected_naming_the_key()
    {
        var error = Should.Throw<SettingsException>(() => Read("taskaffinity.chains.retry-limits = 5"));

        error.Key.ShouldBe("taskaffinity.chains.retry-limits");
    }

    [Fact]
    public void Values_in_range_are_read()
    {
        var settings = Read("""
            taskaffinity.chains.max-tasks = 1
            taskaffinity.worker.slots = 0
            taskaffinity.chains.lease-check-interval = 250ms
            taskaffinity.scheduler.worker-stale-after = 1h
            taskaffinity.host.capacity { cpu = 2.5, gpu = 1 }
            """);

        settings.MaxTasksPerChain.ShouldBe(1);
        settings.SlotsPerNode.ShouldBe(0);
        settings.LeaseCheckInterval.ShouldBe(TimeSpan.FromMilliseconds(250));
        settings.WorkerStaleAfter.ShouldBe(TimeSpan.FromHours(1));
        settings.HostCapacity.Cpu.ShouldBe(2.5);
        settings.HostCapacity.Gpu.ShouldBe(1);
        settings.HostCapacity.MemoryMb.ShouldBe(4096);
    }

    [Theory]
    [InlineData("chains.max-tasks = 0", "taskaffinity.chains.max-tasks", "integers from 1 to 1000000")]
    [InlineData("chains.max-tasks = abc", "taskaffinity.chains.max-tasks", "integers from 1 to 1000000")]
    [InlineData("chains.max-tasks = 1.5", "taskaffinity.chains.max-tasks", "integers from 1 to 1000000")]
    [InlineData("worker.slots = -1", "taskaffinity.worker.slots", "integers from 0 to 1024")]
    [InlineData("chains.lease-check-interval = banana", "taskaffinity.chains.lease-check-interval", "durations from")]
    [InlineData("chains.lease-check-interval = 10ms", "taskaffinity.chains.lease-check-interval", "durations from")]
    [InlineData("scheduler.policy = magic", "taskaffinity.scheduler.policy", "affinity, round-robin, random, least-loaded, power-of-two, earliest-finish")]
    [InlineData("affinity.weights.default.duration = 2", "taskaffinity.affinity.weights.default.duration", "numbers from 0 to 1")]
    [InlineData("affinity.weights.SnapshotView.speed = 1", "taskaffinity.affinity.weights.SnapshotView.speed", "duration, cpu, memory, io, error-rate")]
    [InlineData("affinity.exploration-share = 0.9", "taskaffinity.affinity.exploration-share", "numbers from 0 to 0.5")]
    [InlineData("prediction.max-order = 9", "taskaffinity.prediction.max-order", "integers from 1 to 8")]
    [InlineData("chains.retry-limits.default = 101", "taskaffinity.chains.retry-limits.default", "integers from 0 to 100")]
    [InlineData("chains.retry-limits.SnapshotCopy = -1", "taskaffinity.chains.retry-limits.SnapshotCopy", "integers from 0 to 100")]
    [InlineData("host.capacity.cpu = lots", "taskaffinity.host.capacity.cpu", "numbers from 0 to")]
    [InlineData("prefetch.enabled = maybe", "taskaffinity.prefetch.enabled", "on or off")]
    [InlineData("prefetch.buffer-size = 5000", "taskaffinity.prefetch.buffer-size", "integers from 0 to 4096")]
    [InlineData("prefetch.max-buffer-time = 1ms", "taskaffinity.prefetch.max-buffer-time", "durations from")]
    [InlineData("prefetch.min-confidence = 1.5", "taskaffinity.prefetch.min-confidence", "numbers from 0 to 1")]
    [InlineData("prefetch.lookahead = 17", "taskaffinity.prefetch.lookahead", "integers from 0 to 16")]
    [InlineData("cache.policy = fifo", "taskaffinity.cache.policy", "lru or lfu")]
    [InlineData("cache.capacity-mb = 0", "taskaffinity.cache.capacity-mb", "numbers from 1 to")]
    public void A_bad_value_is_rejected_naming_the_full_key_and_the_accepted_values(string setting, string key, string accepted)
    {
        var error = Should.Throw<SettingsException>(() => Read("taskaffinity." + setting));

        error.Key.ShouldBe(key);
        error.Message.ShouldContain(key);
        error.Message.ShouldContain(accepted);
        error.Message.ShouldContain($"'{setting.Split(" = ")[1]}'");
    }

    [Fact]
    public void A_node_loads_with_the_default_options()
    {
        var node = NodeConfig.Load(Options());

        node.Settings.ShouldNotBeNull();
        node.Settings.PlacementPolicy.ShouldBe(Defaults.PlacementPolicy);
        node.Settings.MaxTasksPerChain.ShouldBe(Defaults.MaxTasksPerChain);
        var expected = $"Data Source={Path.GetFullPath(Path.Combine(_dataDirectory, "taskaffinity.db"))}";
        node.Hocon.GetString("akka.persistence.journal.sql.connection-string").ShouldBe(expected);
        node.Hocon.GetString("akka.persistence.snapshot-store.sql.connection-string").ShouldBe(expected);
        node.Hocon.GetString("akka.persistence.query.journal.sql.connection-string").ShouldBe(expected);
        node.Hocon.GetString("akka.persistence.journal.sql.provider-name").ShouldBe("SQLite.MS");
        node.Hocon.GetString("akka.actor.provider").ShouldBe("cluster");
        node.Hocon.GetString("akka.actor.serializers.taskaffinity").ShouldStartWith("TaskAffinity.Cluster.Serialization.TaskAffinitySerializer");
        Directory.Exists(_dataDirectory).ShouldBeFalse("loading the configuration must not touch the disk");
    }

    [Fact]
    public void Extra_hocon_overrides_the_files()
    {
        var node = NodeConfig.Load(Options() with { ExtraHocon = "taskaffinity.chains.max-tasks = 42" });
        node.Settings.MaxTasksPerChain.ShouldBe(42);
    }

    [Fact]
    public void A_postgresql_node_uses_its_connection_string()
    {
        var node = NodeConfig.Load(Options() with { Database = DatabaseKind.PostgreSql, ConnectionString = "Host=db;Database=\"ta\"" });

        node.Hocon.GetString("akka.persistence.journal.sql.connection-string").ShouldBe("Host=db;Database=\"ta\"");
        node.Hocon.GetString("akka.persistence.journal.sql.provider-name").ShouldBe("PostgreSQL.15");
    }

    [Fact]
    public void An_unknown_role_is_rejected_listing_the_known_roles()
    {
        var error = Should.Throw<SettingsException>(() => NodeConfig.Load(Options() with { Roles = ["worker", "painter"] }));

        error.Message.ShouldContain("roles");
        error.Message.ShouldContain("'painter'");
        error.Message.ShouldContain("scheduler, worker, client");
    }

    [Theory]
    [InlineData(70000)]
    [InlineData(-1)]
    public void A_port_out_of_range_is_rejected(int port)
    {
        var error = Should.Throw<SettingsException>(() => NodeConfig.Load(Options() with { Port = port }));

        error.Message.ShouldContain("port");
        error.Message.ShouldContain("0 to 65535");
    }

    [Theory]
    [InlineData("taskaffinity@10.0.0.1:4053")]
    [InlineData("akka.tcp://taskaffinity@10.0.0.1")]
    [InlineData("http://10.0.0.1:4053")]
    public void A_malformed_seed_is_rejected(string seed)
    {
        var error = Should.Throw<SettingsException>(() =>
            NodeConfig.Load(Options() with { Seeds = ["akka.tcp://taskaffinity@10.0.0.2:4053", seed] }));

        error.Message.ShouldContain("seeds");
        error.Message.ShouldContain($"'{seed}'");
    }

    [Fact]
    public void A_postgresql_node_without_a_connection_string_is_rejected()
    {
        var error = Should.Throw<SettingsException>(() => NodeConfig.Load(Options() with { Database = DatabaseKind.PostgreSql }));

        error.Message.ShouldContain("connection-string");
        error.Message.ShouldContain("PostgreSQL");
    }

    [Fact]
    public void A_bad_setting_in_extra_hocon_stops_the_load()
    {
        var error = Should.Throw<SettingsException>(() => NodeConfig.Load(Options() with { ExtraHocon = "taskaffinity.worker.slots = -1" }));
        error.Key.ShouldBe("taskaffinity.worker.slots");
    }

    [Fact]
    public void A_missing_hocon_folder_is_rejected()
    {
        var error = Should.Throw<SettingsException>(() => NodeConfig.Load(Options() with { HoconDirectory = _dataDirectory }));
        error.Message.ShouldContain("taskaffinity.conf");
    }
}
