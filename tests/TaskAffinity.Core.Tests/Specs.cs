using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Tests;

/// <summary>Small builders for task specs, so each test states only what it cares about.</summary>
internal static class Specs
{
    public const string DefaultType = "SnapshotCreate";

    /// <summary>A valid task: zero resources, no inputs, depending on <paramref name="dependsOn"/>.</summary>
    public static TaskSpec Task(string id, string type = DefaultType, ResourceVector? resources = null, params string[] dependsOn) =>
        new()
        {
            Id = id,
            Type = type,
            Resources = resources ?? ResourceVector.Zero,
            DependsOn = [.. dependsOn],
        };

    /// <summary>A resource vector with every dimension zero unless named.</summary>
    public static ResourceVector Resources(double cpu = 0, double memoryMb = 0, double ioMbps = 0, double networkMbps = 0, double gpu = 0) =>
        new(cpu, memoryMb, ioMbps, networkMbps, gpu);

    /// <summary>A linear chain t0 &lt;- t1 &lt;- ... of <paramref name="length"/> tasks (each depends on the previous one).</summary>
    public static List<TaskSpec> LinearChain(int length, string type = DefaultType) =>
        Enumerable.Range(0, length)
            .Select(i => i == 0 ? Task("t0", type) : Task($"t{i}", type, dependsOn: $"t{i - 1}"))
            .ToList();

    public static ImmutableHashSet<TaskType> Types(params string[] names) =>
        names.Select(n => new TaskType(n)).ToImmutableHashSet();
}
