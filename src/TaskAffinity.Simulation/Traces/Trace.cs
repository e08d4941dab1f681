using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Simulation.Traces;

/// <summary>
/// One task of a recorded workload, as every trace format is imported into (see shared/formats/TRACE.md).
/// Durations are on the reference host, without data transfer.
/// </summary>
public sealed record TraceTask(
    string Id, TaskType Type, ImmutableArray<string> After, double DurationS, double Cpu, double MemoryMb,
    ImmutableArray<DataRef> Inputs, ImmutableArray<DataRef> Outputs, string? Host);

/// <summary>One chain (workflow run): submitted by <see cref="App"/> at <see cref="ArrivalS"/> seconds from the trace start.</summary>
public sealed record TraceChain(string ChainId, string App, double ArrivalS, ImmutableArray<TraceTask> Tasks);

/// <summary>
/// A trace file that cannot be read. The message names the file, where in it (a line, or a JSON path), the
/// field and what is wrong, so a person can fix it; the other files of a run still run.
/// </summary>
public sealed class TraceFormatException(string file, string location, string field, string problem)
    : Exception($"{file}: {location}: {field}: {problem}")
{
    public string File { get; } = file;
    public string Location { get; } = location;
    public string Field { get; } = field;
}
