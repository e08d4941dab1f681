using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Affinity;

/// <summary>One (worker, type) profile: the unit of transfer (model snapshots carry an array of these).</summary>
public sealed record ProfileEntry(string WorkerId, TaskType Type, TaskTypeProfile Profile);
