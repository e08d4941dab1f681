using System.Diagnostics;
using System.CommandLine;
using System.Globalization;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.LocalPostgres;

namespace TaskAffinity.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e --db sqlite|postgres [--tasks N] [--chain-length L]</c>: starts a real node on a fresh database
/// (PostgreSQL: a throwaway local server), submits through the client, and prints tasks/s, submit-to-complete
/// latency and the journal rows written per task. Every acknowledged chain is durable (fsync on).
/// </summary>
internal static class E2eCommand
{
    public static RootCommand Create()
    {
        var db = new Option<string>("--db") { Description = "sqlite (embedded file, WAL) or postgres (a throwaway local server)", Required = true };
        // 100,000 tasks measure about five seconds. 20,000 measured one, where filling the pipeline with the first
        // 1,000 chains and draining the last (each is in flight about 0.2 s) and a single collection weigh heavily:
        // that figure swung 19,500-24,000 tasks/s on PostgreSQL, this one 20,700-25,600, in alternating runs.
        var tasks = new Option<int>("--tasks") { Description = "Tasks to run in the measured phase (1 to 10000000)", DefaultValueFactory = _ => 100_000 };
        var chainLength = new Option<int>("--chain-length") { Description = "Tasks per chain, each depending on the one before (1 to 1000)", DefaultValueFactory = _ => 5 };
        var inFlight = new Option<int>("--in-flight") { Description = "Chains between submission and completion at once (1 to 100000)", DefaultValueFactory = _ => 1000 };
        var slots = new Option<int>("--slots") { Description = "Worker slots on the node (1 to 1024)", DefaultValueFactory = _ => 16 };
        var warmup = new Option<int>("--warmup") { Description = "Tasks run first and not measured (0 to 1000000)", DefaultValueFactory = _ => 10_000 };
        var hocon = new Option<string>("--hocon") { Description = "Extra HOCON for the node, e.g. to try a journal setting", DefaultValueFactory = _ => "" };
        var allocations = new Option<bool>("--alloc-profile") { Description = "Also print what the measured phase allocated, by type (sampled)" };
        var command = new RootCommand("End-to-end throughput of one node: submit through the client, run no-op tasks, count what is persisted.")
        {
            db, tasks, chainLength, inFlight, slots, warmup, hocon, allocations,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var kind = parsed.GetValue(db) switch
            {
                "sqlite" => DatabaseKind.Sqlite,
                "postgres" or "postgresql" => DatabaseKind.PostgreSql,
                var other => (DatabaseKind?)null,
            };
            if (kind is null) return Fail($"--db: '{parsed.GetValue(db)}' is not sqlite or postgres");
            var plan = new E2ePlan(kind.Value, parsed.GetValue(tasks), parsed.GetValue(chainLength), parsed.GetValue(inFlight), parsed.GetValue(slots), parsed.GetValue(warmup), parsed.GetValue(hocon) ?? "")
            {
                AllocationProfile = parsed.GetValue(allocations),
            };
            if (plan.Problem() is { } problem) return Fail(problem);
            try
            {
                await RunAsync(plan, cancellationToken);
                return 0;
            }
            catch (Exception e) when (e is InvalidOperationException or SettingsException or TimeoutException)
            {
                return Fail(e.Message);
            }
        });
        return command;
    }

    private static async Task RunAsync(E2ePlan plan, CancellationToken cancellationToken)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"taskaffinity-e2e-{Guid.NewGuid():N}");
        ThrowawayPostgres? postgres = null;
        try
        {
            if (plan.Database == DatabaseKind.PostgreSql)
            {
                Console.WriteLine("starting a throwaway PostgreSQL server ...");
                postgres = await ThrowawayPostgres.StartAsync(cancellationToken: cancellationToken);
            }
            var options = new NodeOptions
            {
                NodeName = "e2e",
                Port = 0,
                DataDirectory = dataDir,
                Database = plan.Database,
                ConnectionString = postgres?.ConnectionString,
                ExtraHocon = $"akka.loglevel = WARNING\ntaskaffinity.worker.slots = {plan.Slots}\n{plan.Hocon}\n",
            };
            var journal = new JournalRows(plan.Database, postgres?.ConnectionString ?? $"Data Source={options.SqliteFile}",
                plan.Hocon.Contains("journal.inmem", StringComparison.Ordinal));
            await using var node = await E2eNode.StartAsync(options, cancellationToken);
            Console.WriteLine($"node up: {plan.Database}, {plan.Slots} slots; {plan.Tasks} tasks in chains of {plan.ChainLength}, {plan.InFlight} chains in flight");

            if (plan.Warmup > 0)
            {
                var warm = await E2eLoad.RunAsync(node.Client, "warmup", plan.Warmup, plan.ChainLength, plan.InFlight, null, cancellationToken);
                Console.WriteLine($"warm-up: {warm.Tasks} tasks, {warm.TasksPerSecond:0} tasks/s");
            }
            var mark = await journal.MarkAsync();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var memoryBefore = MemoryUse.Now();
            using var sampler = plan.AllocationProfile ? new AllocationSampler() : null;
            sampler?.Start();
            var progress = new Progress<int>(done =>
            {
                if (done % Math.Max(1, plan.Tasks / 10) < plan.ChainLength) Console.WriteLine($"  {done} tasks done");
            });
            var result = await E2eLoad.RunAsync(node.Client, "run", plan.Tasks, plan.ChainLength, plan.InFlight, progress, cancellationToken);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var memory = MemoryUse.Now() - memoryBefore;
            sampler?.Stop();
            var rows = await journal.CountSinceAsync(mark);
            Print(plan, result, rows, await journal.SnapshotsAsync(), cpu);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"allocated per task: {memory.Bytes / 1024.0 / result.Tasks:0.0} KiB  (collections: gen0 {memory.Gen0}, gen1 {memory.Gen1}, gen2 {memory.Gen2}; paused {memory.Paused.TotalMilliseconds:0} ms)"));
            sampler?.Print(top: 30);
            Console.WriteLine(await node.PredictorSummaryAsync());
        }
        finally
        {
            if (postgres is not null) await postgres.DisposeAsync();
            try { Directory.Delete(dataDir, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <param name="cpu">Processor time this process (node and client both) spent in the measured phase: unlike
    /// tasks/s it hardly moves when other work shares the machine, so it compares changes made on a busy one.</param>
    private static void Print(E2ePlan plan, LoadResult result, IReadOnlyDictionary<string, long> rows, long snapshots, TimeSpan cpu)
    {
        var total = rows.Values.Sum();
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"tasks/s: {result.TasksPerSecond:0}  ({result.Tasks} tasks, {result.Chains} chains in {result.Elapsed.TotalSeconds:0.00} s, failed {result.Failed})"));
        Console.WriteLine(string.Create(c, $"chain submit-to-complete ms: p50 {result.Percentile(0.50):0.0}  p99 {result.Percentile(0.99):0.0}"));
        Console.WriteLine(string.Create(c, $"persisted events per task: {(double)total / result.Tasks:0.000}  ({total} journal rows: {string.Join(", ", rows.Select(r => $"{r.Key} {r.Value}"))}; snapshots held {snapshots})"));
        Console.WriteLine(string.Create(c, $"cpu per task: {cpu.TotalMicroseconds / result.Tasks:0} µs  ({cpu.TotalSeconds:0.0} s of processor time, node and client, {cpu.TotalSeconds / result.Elapsed.TotalSeconds:0.00} cores busy)"));
        Console.WriteLine(string.Create(c, $"db: {plan.Database}"));
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"e2e: {message}");
        return 2;
    }
}

internal sealed record E2ePlan(DatabaseKind Database, int Tasks, int ChainLength, int InFlight, int Slots, int Warmup, string Hocon)
{
    public bool AllocationProfile { get; init; }

    public string? Problem() =>
        Tasks is < 1 or > 10_000_000 ? $"--tasks: {Tasks} is not from 1 to 10000000"
        : ChainLength is < 1 or > 1000 ? $"--chain-length: {ChainLength} is not from 1 to 1000"
        : InFlight is < 1 or > 100_000 ? $"--in-flight: {InFlight} is not from 1 to 100000"
        : Slots is < 1 or > 1024 ? $"--slots: {Slots} is not from 1 to 1024"
        : Warmup is < 0 or > 1_000_000 ? $"--warmup: {Warmup} is not from 0 to 1000000"
        : null;
}

/// <summary>What this process (node and client) allocated and collected: garbage is a large part of a task's cost.</summary>
internal readonly record struct MemoryUse(long Bytes, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
{
    public static MemoryUse Now() =>
        new(GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public static MemoryUse operator -(MemoryUse a, MemoryUse b) =>
        new(a.Bytes - b.Bytes, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Paused - b.Paused);
}
