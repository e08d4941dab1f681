using System.Collections.Immutable;
using Akka.Configuration;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Hosting;

/// <summary>
/// Every scheduler knob, read once from the <c>taskaffinity</c> HOCON section (hocon/taskaffinity.conf holds the
/// defaults and what each one means). <see cref="FromConfig"/> checks every value against its range and fails
/// with an error that names the key and the accepted values.
/// </summary>
public sealed record TaskAffinitySettings
{
    public int MaxTasksPerChain { get; init; } = 10_000;
    public int DefaultMaxRetries { get; init; } = 3;
    public ImmutableDictionary<TaskType, int> MaxRetriesByType { get; init; } = ImmutableDictionary<TaskType, int>.Empty;
    public TimeSpan LeaseCheckInterval { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan PassivateFinishedAfter { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan CheckpointMaxRedo { get; init; } = TimeSpan.FromSeconds(1);
    public int ChainBooks { get; init; } = 16;
    public int ChainBookSnapshotEvery { get; init; } = 500;

    public int SlotsPerNode { get; init; } = Math.Max(2, Environment.ProcessorCount * 2);
    public TimeSpan TaskTimeout { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan OutcomeResendInterval { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan SlotHeartbeat { get; init; } = TimeSpan.FromSeconds(5);
    public int WorkerSnapshotEvery { get; init; } = 50;
    public TimeSpan WorkerSnapshotMinInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>A file each slot appends a line to when a task starts and ends ("" = none).</summary>
    public string RunLog { get; init; } = "";

    public string PlacementPolicy { get; init; } = "affinity";
    public AffinityOptions Affinity { get; init; } = new();
    public PredictionOptions Prediction { get; init; } = new();
    public int PredictorBufferSize { get; init; } = 100_000;
    public int PredictorBatchSize { get; init; } = 512;
    public TimeSpan PredictorBatchWindow { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ModelPublishInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan PredictorSnapshotInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan WorkerStaleAfter { get; init; } = TimeSpan.FromSeconds(15);

    public ResourceVector HostCapacity { get; init; } = new(Environment.ProcessorCount, 4096, 500, 1000, 0);

    public PrefetchSettings Prefetch { get; init; } = new();

    public AdminSettings Admin { get; init; } = new();

    public MonitorSettings Monitor { get; init; } = new();

    public int MaxRetriesFor(TaskType type) => MaxRetriesByType.TryGetValue(type, out var n) ? n : DefaultMaxRetries;

    /// <summary>Reads and checks the <c>taskaffinity</c> section; missing keys keep their defaults.</summary>
    public static TaskAffinitySettings FromConfig(Config config)
    {
        var c = config.GetConfig("taskaffinity") ?? Config.Empty;
        var d = new TaskAffinitySettings();
        var reader = new SettingsReader(c, "taskaffinity");

        var byType = ImmutableDictionary.CreateBuilder<TaskType, int>();
        var defaultRetries = d.DefaultMaxRetries;
        // Entries are read from the section itself, not by path, so a type name with a dot stays one key.
        foreach (var (key, raw) in reader.Section("chains.retry-limits"))
        {
            var value = reader.IntValue($"chains.retry-limits.{key}", raw, 0, 100);
            if (key == "default") defaultRetries = value;
            else byType[new TaskType(key)] = value;
        }

        var policy = reader.String("scheduler.policy", d.PlacementPolicy);
        if (!PlacementPolicies.Names.Contains(policy))
            throw new SettingsException("taskaffinity.scheduler.policy", policy, $"one of: {string.Join(", ", PlacementPolicies.Names)}");

        return new TaskAffinitySettings
        {
            MaxTasksPerChain = reader.Int("chains.max-tasks", d.MaxTasksPerChain, 1, 1_000_000),
            DefaultMaxRetries = defaultRetries,
            MaxRetriesByType = byType.ToImmutable(),
            LeaseCheckInterval = reader.Duration("chains.lease-check-interval", d.LeaseCheckInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
            LeaseTimeout = reader.Duration("chains.lease-timeout", d.LeaseTimeout, TimeSpan.FromMilliseconds(200), TimeSpan.FromHours(1)),
            PassivateFinishedAfter = reader.Duration("chains.passivate-finished-after", d.PassivateFinishedAfter, TimeSpan.Zero, TimeSpan.FromHours(24)),
            CheckpointInterval = reader.Duration("chains.checkpoint-interval", d.CheckpointInterval, TimeSpan.Zero, TimeSpan.FromSeconds(10)),
            CheckpointMaxRedo = reader.Duration("chains.checkpoint-max-redo", d.CheckpointMaxRedo, TimeSpan.Zero, TimeSpan.FromHours(1)),
            ChainBooks = reader.Int("chains.books", d.ChainBooks, 1, 10_000),
            ChainBookSnapshotEvery = reader.Int("chains.snapshot-every", d.ChainBookSnapshotEvery, 1, 1_000_000),
            SlotsPerNode = reader.Int("worker.slots", d.SlotsPerNode, 0, 1024),
            TaskTimeout = reader.Duration("worker.task-timeout", d.TaskTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(7)),
            OutcomeResendInterval = reader.Duration("worker.outcome-resend-interval", d.OutcomeResendInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5)),
            SlotHeartbeat = reader.Duration("worker.slot-heartbeat", d.SlotHeartbeat, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)),
            WorkerSnapshotEvery = reader.Int("worker.snapshot-every", d.WorkerSnapshotEvery, 1, 100_000),
            WorkerSnapshotMinInterval = reader.Duration("worker.snapshot-min-interval", d.WorkerSnapshotMinInterval, TimeSpan.Zero, TimeSpan.FromHours(1)),
            DrainTimeout = reader.Duration("worker.drain-timeout", d.DrainTimeout, TimeSpan.Zero, TimeSpan.FromHours(1)),
            RunLog = reader.String("worker.run-log", d.RunLog),
            PlacementPolicy = policy,
            Affinity = ReadAffinity(reader, d.Affinity),
            Prediction = new PredictionOptions
            {
                MaxOrder = reader.Int("prediction.max-order", d.Prediction.MaxOrder, 1, 8),
                DecayHalfLife = reader.Double("prediction.decay-half-life", d.Prediction.DecayHalfLife, 10, 1e9),
                LossHalfLife = reader.Double("prediction.loss-half-life", d.Prediction.LossHalfLife, 1, 1e9),
            },
            PredictorBufferSize = reader.Int("predictor.buffer-size", d.PredictorBufferSize, 100, 10_000_000),
            PredictorBatchSize = reader.Int("predictor.batch-size", d.PredictorBatchSize, 1, 100_000),
            PredictorBatchWindow = reader.Duration("predictor.batch-window", d.PredictorBatchWindow, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1)),
            ModelPublishInterval = reader.Duration("predictor.publish-interval", d.ModelPublishInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)),
            PredictorSnapshotInterval = reader.Duration("predictor.snapshot-interval", d.PredictorSnapshotInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            WorkerStaleAfter = reader.Duration("scheduler.worker-stale-after", d.WorkerStaleAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            HostCapacity = new ResourceVector(
                reader.Double("host.capacity.cpu", d.HostCapacity.Cpu, 0, 100_000),
                reader.Double("host.capacity.memory-mb", d.HostCapacity.MemoryMb, 0, 1e9),
                reader.Double("host.capacity.io-mbps", d.HostCapacity.IoMbps, 0, 1e7),
                reader.Double("host.capacity.network-mbps", d.HostCapacity.NetworkMbps, 0, 1e7),
                reader.Double("host.capacity.gpu", d.HostCapacity.Gpu, 0, 1024)),
            Prefetch = PrefetchSettings.Read(reader, d.Prefetch),
            Admin = AdminSettings.Read(reader, d.Admin),
            Monitor = MonitorSettings.Read(reader, d.Monitor),
        };
    }

    /// <summary>
    /// taskaffinity.affinity: the half-life of profiles, the exploration share, and the score weights, by default
    /// and per task type (a type's section may set only some weights; the rest come from the default).
    /// </summary>
    private static AffinityOptions ReadAffinity(SettingsReader reader, AffinityOptions d)
    {
        var defaults = d.DefaultWeights;
        var byType = ImmutableDictionary.CreateBuilder<TaskType, AffinityWeights>();
        var sections = reader.Sections("affinity.weights");
        foreach (var (key, entries) in sections.OrderBy(s => s.Key == "default" ? 0 : 1))
        {
            var basis = key == "default" ? d.DefaultWeights : defaults;
            double W(string field, double fallback) =>
                entries.TryGetValue(field, out var raw) ? reader.DoubleValue($"affinity.weights.{key}.{field}", raw, 0, 1) : fallback;
            foreach (var unknown in entries.Keys.Except(["duration", "cpu", "memory", "io", "error-rate"]))
                throw new SettingsException($"taskaffinity.affinity.weights.{key}.{unknown}", entries[unknown], "the weights duration, cpu, memory, io, error-rate");
            var weights = new AffinityWeights(W("duration", basis.Duration), W("cpu", basis.Cpu), W("memory", basis.Memory), W("io", basis.Io), W("error-rate", basis.ErrorRate));
            if (weights.Problems() is { Count: > 0 } problems)
                throw new SettingsException($"taskaffinity.affinity.weights.{key}", string.Join(", ", entries.Select(e => $"{e.Key}={e.Value}")), $"weights from 0 to 1 that do not all equal 0 ({string.Join("; ", problems)})");
            if (key == "default") defaults = weights;
            else if (!TaskType.IsValidName(key))
                throw new SettingsException($"taskaffinity.affinity.weights.{key}", key, "a task type name (letters, digits, '.', '-', '_')");
            else byType[new TaskType(key)] = weights;
        }
        return d with
        {
            HalfLifeSamples = reader.Double("affinity.half-life-samples", d.HalfLifeSamples, 1, 10_000),
            ExplorationShare = reader.Double("affinity.exploration-share", d.ExplorationShare, 0, 0.5),
            DefaultWeights = defaults,
            WeightsByType = byType.ToImmutable(),
        };
    }
}

/// <summary>A configuration value that is not accepted. The message names the key, the value and what is accepted.</summary>
public sealed class SettingsException(string key, string value, string accepted)
    : Exception($"configuration value {key} = '{value}' is not valid: accepted values are {accepted}")
{
    public string Key { get; } = key;
}