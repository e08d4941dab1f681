using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Tests.Placement;

/// <summary>Candidate and request builders for placement specs.</summary>
internal static class Workers
{
    public static readonly ResourceVector Host = Specs.Resources(cpu: 8, memoryMb: 16_384, ioMbps: 200, networkMbps: 1_000);

    public static WorkerCandidate Worker(string id, int queued = 0, int running = 0, string? last = null, double heat = 0,
        double cached = 0, int slots = 1, bool online = true, params string[] serves) =>
        new(id, $"host-of-{id}", online, Specs.Types(serves.Length == 0 ? ["X", "Y", Specs.DefaultType] : serves), Host,
            queued, running, new WorkerToken(last is null ? (TaskType?)null : new TaskType(last), 0))
        {
            Heat = heat,
            CachedInputFraction = cached,
            Slots = slots,
        };

    public static PlacementRequest Request(string taskId = "t1", string type = "X", string chainId = "chain-1", int attempt = 1) =>
        new(chainId, Specs.Task(taskId, type), attempt);
}
