namespace TaskAffinity.Cluster;

/// <summary>
/// Every message that may cross a node boundary and every persisted event or snapshot implements this, and
/// it is bound to our JSON serializer in hocon/serialization.conf. A type without a manifest fails the
/// serialization tests, so nothing falls back to Akka's default serializer.
/// </summary>
public interface ITaskAffinityMessage;

/// <summary>Routed to the chain entity with this id.</summary>
public interface IWithChainId : ITaskAffinityMessage
{
    string ChainId { get; }
}

/// <summary>Routed to the worker entity with this id (<c>host/slot</c>).</summary>
public interface IWithWorkerId : ITaskAffinityMessage
{
    string WorkerId { get; }
}

/// <summary>Routed to the host entity with this id.</summary>
public interface IWithHostId : ITaskAffinityMessage
{
    string HostId { get; }
}
