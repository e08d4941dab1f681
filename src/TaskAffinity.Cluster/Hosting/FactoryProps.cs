using Akka.Actor;

namespace TaskAffinity.Cluster.Hosting;

/// <summary>
/// Props that make an actor by calling a factory. <c>Props.Create(() => new X(a, b))</c> parses its expression
/// and compiles every argument each time it is called; for sharded entities that is once per entity started,
/// which a profile of the end-to-end benchmark showed costing more than all our own code. Local use only:
/// such props cannot be sent to another node.
/// </summary>
internal static class FactoryProps
{
    public static Props Of<TActor>(Func<TActor> factory) where TActor : ActorBase =>
        Props.CreateBy(new Producer<TActor>(factory));

    private sealed class Producer<TActor>(Func<TActor> factory) : IIndirectActorProducer where TActor : ActorBase
    {
        public Type ActorType => typeof(TActor);

        public ActorBase Produce() => factory();

        public void Release(ActorBase actor) { }
    }
}
