using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Tests.Affinity;

/// <summary>Builders for profiles and observations, so a test states only the numbers it is about.</summary>
internal static class Profiles
{
    public static readonly ResourceVector Capacity = Specs.Resources(cpu: 8, memoryMb: 16_000, ioMbps: 200, networkMbps: 1_000);

    public static TaskObservation Run(string worker, TaskType type, double ms, bool failed = false, double? expectedMs = null,
        double cpu = 2, double memoryMb = 4_000, double ioMbps = 50) =>
        new(worker, type, TimeSpan.FromMilliseconds(ms), Specs.Resources(cpu: cpu, memoryMb: memoryMb, ioMbps: ioMbps),
            Capacity, failed, expectedMs is { } e ? TimeSpan.FromMilliseconds(e) : null);

    /// <summary>A profile after <paramref name="runs"/> successful runs of about <paramref name="ms"/> (±5%, seeded).</summary>
    public static TaskTypeProfile Warm(double ms, int runs = 30, int seed = 1, double halfLife = 20)
    {
        var random = new Random(seed);
        var profile = TaskTypeProfile.Empty;
        for (var i = 0; i < runs; i++)
            profile = profile.Observe(Run("w", "X", ms * (0.95 + 0.1 * random.NextDouble())), halfLife);
        return profile;
    }

    public static ProfileEntry Entry(string worker, TaskType type, double ms, int runs = 30, int seed = 1) =>
        new(worker, type, Warm(ms, runs, seed));
}
