using Akka.Actor;

namespace TaskAffinity.Cluster.Admin;

/// <summary>
/// The node's command host: parses each command line against the palettes and hands it to that palette's
/// actor. Anything it cannot parse is answered with an error and the usage, and costs the node nothing more.
/// </summary>
internal sealed class CommandHost : ReceiveActor
{
    public CommandHost(PaletteContext context)
    {
        IPalette[] palettes =
        [
            new ClusterPalette(context), new ShardingPalette(context), new AffinityPalette(context), new PredictorPalette(context),
            new PrefetchPalette(context), new HostsPalette(context), new ChainsPalette(context), new TasksPalette(context), new HeatmapPalette(context),
        ];
        var specs = palettes.Select(p => p.Spec).ToList();
        var actors = palettes.ToDictionary(p => p.Spec.Name, p => Context.ActorOf(Props.Create(() => new PaletteActor(p)), p.Spec.Name));

        Receive<ExecuteCommand>(execute =>
        {
            var tokens = execute.Tokens;
            if (tokens.Count == 0 || (tokens.Count == 1 && tokens[0] is "help" or "--help"))
            {
                Sender.Tell(CommandReply.Success(CommandParser.Help(specs), new { palettes = specs.Select(s => new { name = s.Name, description = s.Description, commands = s.Commands.Select(c => c.Name) }) }));
                return;
            }
            var (command, error) = CommandParser.Parse(tokens, specs);
            if (command is null)
                Sender.Tell(CommandReply.Failure(error!.Error, error.Usage));
            else
                actors[command.Palette].Forward(new RunCommand(command));
        });
    }
}

/// <summary>Key of the command host in the actor registry.</summary>
public sealed class CommandHostKey;

/// <summary>Key of the cluster view in the actor registry.</summary>
public sealed class ClusterViewKey;
