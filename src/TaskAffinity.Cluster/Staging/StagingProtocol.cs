using System.Collections.Immutable;
using TaskAffinity.Core.Prefetch;

namespace TaskAffinity.Cluster.Staging;

/// <summary>Messages to a node's stager.</summary>
public static class StagingProtocol
{
    /// <summary>Stage these inputs into this node's cache, for the tasks a worker here is expected to run.</summary>
    public sealed record StageInputs(string WorkerId, ImmutableArray<PrefetchCandidate> Candidates) : ITaskAffinityMessage;

    public sealed record GetStagerStats : ITaskAffinityMessage
    {
        public static readonly GetStagerStats Instance = new();
    }
}
