namespace TaskAffinity.Cluster.Hosting;

/// <summary>Keys of the TaskAffinity actors in Akka.Hosting's ActorRegistry.</summary>
public sealed class ChainRegion;

public sealed class WorkerRegion;

public sealed class HostRegion;

/// <summary>The cluster router applications send submissions and queries to.</summary>
public sealed class TaskRouter;

public sealed class SchedulerKey;

/// <summary>The node's <see cref="Chains.ReplyBatcher"/>.</summary>
public sealed class RepliesKey;

public sealed class SlotsKey;

/// <summary>The proxy of the predictor singleton.</summary>
public sealed class PredictorKey;
