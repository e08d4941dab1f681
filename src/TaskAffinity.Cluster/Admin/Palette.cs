using Akka.Actor;
using Akka.Hosting;
using TaskAffinity.Cluster.Hosting;

namespace TaskAffinity.Cluster.Admin;

/// <summary>What palettes reach: the actor system, the node's registered actors, the cluster view, and the settings.</summary>
public sealed record PaletteContext(ActorSystem System, IReadOnlyActorRegistry Registry, IActorRef View, TaskAffinitySettings Settings, string NodeName)
{
    public TimeSpan Timeout => Settings.Admin.Timeout;

    public async Task<ClusterViewSnapshot> ViewAsync() => await View.Ask<ClusterViewSnapshot>(ClusterView.Get.Instance, Timeout);

    public const string NoPredictor = "this node runs no scheduler role, so it cannot reach the predictor; ask a scheduler node";

    /// <summary>The task router: every role starts it, so chain queries and submissions work from any node.</summary>
    public IActorRef Router => Find<TaskRouter>() ?? throw new InvalidOperationException("the task router is not started on this node");

    /// <summary>A registered actor, or null where this node's roles do not run it (e.g. regions on a client node).</summary>
    public IActorRef? Find<TKey>() => Registry.TryGet<TKey>(out var actor) ? actor : null;
}

/// <summary>A command palette: its commands, and how to run one. Implementations ask other actors and never block the node.</summary>
public interface IPalette
{
    PaletteSpec Spec { get; }

    Task<CommandReply> Run(ParsedCommand command);
}

/// <summary>Serves one palette as an actor; commands run concurrently and each reply goes to whoever asked.</summary>
internal sealed class PaletteActor : ReceiveActor
{
    public PaletteActor(IPalette palette)
    {
        Receive<RunCommand>(run =>
        {
            Task<CommandReply> reply;
            try
            {
                reply = palette.Run(run.Command);
            }
            catch (Exception e) // a palette that fails before its first await must still answer, and not restart this actor
            {
                reply = Task.FromResult(CommandReply.Failure(Describe(e)));
            }
            reply.PipeTo(Sender, failure: e => CommandReply.Failure(Describe(e)));
        });
    }

    private static string Describe(Exception e) => e switch
    {
        AskTimeoutException => "the cluster did not answer in time (taskaffinity.admin.timeout); try again, or check 'tactl cluster show'",
        AggregateException { InnerException: { } inner } => Describe(inner),
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
