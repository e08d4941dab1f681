using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Workloads;

/// <summary>One user session of the snapshot service: a chain of operations on one snapshot, and when it arrives.</summary>
public sealed record SessionPlan(string ChainId, string AppId, TimeSpan Arrival, ImmutableArray<TaskSpec> Tasks);

/// <summary>
/// The demo's workload: user sessions of a snapshot service whose operations follow a known Markov chain
/// (every session starts with SnapshotCreate and ends with SnapshotDelete or after <see cref="MaxLength"/>
/// operations). Sessions arrive as a Poisson process. The same seed gives the same sessions, so the demo,
/// tests and the simulator can replay it exactly.
/// </summary>
/// <remarks>
/// Each operation reads its own data: Create the volume's blocks (shared by every session on that volume),
/// Copy the snapshot's blocks, View its index (an eighth of the size), Share and Delete its metadata
/// (256 KiB). So the next operation of a session mostly needs data the previous one did not touch: a cache
/// helps only if that data was staged ahead of need.
/// </remarks>
public static class SnapshotSessions
{
    public static readonly TaskType Create = new("SnapshotCreate");
    public static readonly TaskType Delete = new("SnapshotDelete");
    public static readonly TaskType Copy = new("SnapshotCopy");
    public static readonly TaskType View = new("SnapshotView");
    public static readonly TaskType Share = new("SnapshotShare");

    public const int MaxLength = 12;

    /// <summary>P(next | current). Rows sum to 1; Delete ends a session.</summary>
    public static readonly ImmutableDictionary<TaskType, ImmutableArray<(TaskType Next, double Probability)>> Transitions =
        new Dictionary<TaskType, ImmutableArray<(TaskType, double)>>
        {
            [Create] = [(View, 0.40), (Copy, 0.25), (Share, 0.20), (Delete, 0.15)],
            [View] = [(View, 0.25), (Share, 0.30), (Copy, 0.20), (Delete, 0.25)],
            [Copy] = [(View, 0.45), (Share, 0.25), (Delete, 0.30)],
            [Share] = [(View, 0.55), (Copy, 0.10), (Delete, 0.35)],
        }.ToImmutableDictionary();

    private const int Volumes = 64;
    private const int Apps = 8;

    public static IEnumerable<SessionPlan> Generate(int sessions, int seed, double arrivalsPerSecond, string chainPrefix)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sessions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(arrivalsPerSecond);
        var random = new Random(seed);
        // Each volume's snapshot size is fixed for the run: 1 to 16 MiB.
        var sizes = Enumerable.Range(0, Volumes).Select(_ => (long)(random.Next(1, 17) * 1024 * 1024)).ToArray();
        var clock = TimeSpan.Zero;
        for (var s = 0; s < sessions; s++)
        {
            clock += TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) / arrivalsPerSecond);
            var volume = random.Next(Volumes);
            var size = sizes[volume];
            var types = Walk(random).ToList();
            var tasks = types.Select((type, i) => new TaskSpec
            {
                Id = $"{i + 1:D2}-{type.Name}",
                Type = type,
                InputSchema = "snapshot-ref",
                OutputSchema = "snapshot-result",
                Inputs = [InputOf(type, volume, s, size)],
                Resources = new ResourceVector(Cpu: 0.25, MemoryMb: 128, IoMbps: 50, NetworkMbps: 50, Gpu: 0),
                EstimatedDuration = TimeSpan.FromMilliseconds(5 + InputOf(type, volume, s, size).SizeBytes / 1_000_000.0),
                Payload = $$"""{"volume":"vol-{{volume:D2}}","snapshot":"snap-{{s}}"}""",
                DependsOn = i == 0 ? [] : [$"{i:D2}-{types[i - 1].Name}"],
            }).ToImmutableArray();
            yield return new SessionPlan($"{chainPrefix}-s{s:D5}", $"tenant-{random.Next(Apps)}", clock, tasks);
        }
    }

    /// <summary>The data an operation reads (see the remarks).</summary>
    public static DataRef InputOf(TaskType type, int volume, int session, long snapshotBytes) => type.Name switch
    {
        "SnapshotCreate" => new DataRef($"vol-{volume:D2}/blocks", snapshotBytes),
        "SnapshotCopy" => new DataRef($"vol-{volume:D2}/snap-{session}/blocks", snapshotBytes),
        "SnapshotView" => new DataRef($"vol-{volume:D2}/snap-{session}/index", snapshotBytes / 8),
        _ => new DataRef($"vol-{volume:D2}/snap-{session}/meta", 256 * 1024),
    };

    private static IEnumerable<TaskType> Walk(Random random)
    {
        var current = Create;
        yield return current;
        for (var length = 1; length < MaxLength && current != Delete; length++)
        {
            var draw = random.NextDouble();
            var row = Transitions[current];
            current = row[^1].Next;
            foreach (var (next, p) in row)
            {
                if (draw < p) { current = next; break; }
                draw -= p;
            }
            yield return current;
        }
    }
}
