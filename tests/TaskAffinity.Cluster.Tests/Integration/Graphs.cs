using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>Builders for the graphs the integration tests submit.</summary>
internal static class Graphs
{
    public static TaskSpec Task(string id, string type = "Work", params string[] dependsOn) =>
        new() { Id = id, Type = new TaskType(type), DependsOn = [.. dependsOn] };

    /// <summary>t1 → t2 → … → tN.</summary>
    public static ImmutableArray<TaskSpec> Linear(int length, string type = "Work") =>
        [.. Enumerable.Range(1, length).Select(i => Task($"t{i}", type, i == 1 ? [] : [$"t{i - 1}"]))];
}
