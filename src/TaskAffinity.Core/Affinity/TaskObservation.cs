using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Affinity;

/// <summary>
/// One finished run of a task as the profile learns from it: where it ran, how long it took, what it used of
/// the host and whether it failed. <see cref="ExpectedDuration"/> is what the scheduler predicted when it
/// placed the task; comparing it with <see cref="Duration"/> is the predicted-vs-actual feedback.
/// </summary>
public sealed record TaskObservation(
    string WorkerId,
    TaskType Type,
    TimeSpan Duration,
    ResourceVector Used,
    ResourceVector Capacity,
    bool Failed,
    TimeSpan? ExpectedDuration = null)
{
    // internal, so serializers do not write them: derived, not data
    // utilisation = used / capacity, clipped to [0, 1]; 0 when the host reports no capacity in that dimension
    internal double CpuUtil => Utilisation(Used.Cpu, Capacity.Cpu);
    internal double MemoryUtil => Utilisation(Used.MemoryMb, Capacity.MemoryMb);
    internal double IoUtil => Utilisation(Used.IoMbps, Capacity.IoMbps);

    private static double Utilisation(double used, double capacity) =>
        capacity > 0 && double.IsFinite(used) ? Math.Clamp(used / capacity, 0, 1) : 0;
}
